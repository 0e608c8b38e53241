"""Conversations: follow-up questions made standalone, recent history in the answer prompt, saved chats."""
