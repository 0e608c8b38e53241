"""hayhooks deploys this folder as the ``docsight`` chat model (see :mod:`pipelines.chat_api`)."""

from pipelines.chat_api import DocsightChatWrapper as PipelineWrapper

__all__ = ["PipelineWrapper"]
