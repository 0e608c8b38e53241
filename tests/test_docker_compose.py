"""docker-compose.yml, Dockerfile and .env.example, checked without a Docker engine: the compose file is valid
against the Compose specification's JSON schema, every command exists in the project or the image that runs it,
health checks use only what their images have (and the Qdrant one is run against a real HTTP server), and every
DOCSIGHT_* variable is a setting with its default."""

from __future__ import annotations

import importlib.resources
import json
import re
import shlex
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jsonschema
import pytest
import yaml

from pipelines.cli import build_parser
from pipelines.settings import Settings
from tests.conftest import REPO

COMPOSE_TEXT = (REPO / "docker-compose.yml").read_text()
DOCKERFILE = (REPO / "Dockerfile").read_text()
ENV_EXAMPLE = (REPO / ".env.example").read_text()
SETTINGS = dict(Settings.documented())
QDRANT_IMAGE, OLLAMA_IMAGE = "qdrant/qdrant:", "ollama/ollama:"
# what each image provides that a command may call (none of them has curl or wget)
IMAGE_BINARIES = {
    QDRANT_IMAGE: {"bash", "head", "grep"},  # Debian slim base
    OLLAMA_IMAGE: {"ollama", "/bin/sh", "sh"},
    "docsight": {"docsight", "python", "hayhooks", "sh", "tr", "echo"},
}
SHELL_WORDS = {"exec", "printf", "i", "until", "do", "done", "for", "in", "sleep", "exit", "echo", "[", "true"}


def interpolate(text: str) -> str:
    """What docker compose does with an empty environment: ${VAR:-default} -> default, ${VAR} -> '', $$ -> $."""
    text = re.sub(r"\$\{([A-Z0-9_]+):?-([^}]*)\}", lambda m: m.group(2), text)
    text = re.sub(r"(?<!\$)\$\{[A-Z0-9_]+\}", "", text)
    return text.replace("$$", "$")


COMPOSE = yaml.safe_load(interpolate(COMPOSE_TEXT))
SERVICES = COMPOSE["services"]


def image_of(service: dict) -> str:
    if "build" in service:
        return "docsight"
    return next(prefix for prefix in (QDRANT_IMAGE, OLLAMA_IMAGE) if service["image"].startswith(prefix))


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    schema_file = importlib.resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema = json.loads(schema_file.read_text())
    jsonschema.validate(COMPOSE, schema, cls=jsonschema.Draft202012Validator)
    assert set(SERVICES) == {"qdrant", "ollama", "ollama-gpu", "models", "webui", "api", "ingest"}


def test_images_are_pinned_and_volumes_are_named() -> None:
    for name, service in SERVICES.items():
        if "image" in service and "build" not in service:
            assert re.search(r":v?\d+\.\d+\.\d+$", service["image"]), (name, service["image"])
    assert "qdrant_storage:/qdrant/storage" in SERVICES["qdrant"]["volumes"]
    assert "ollama_models:/root/.ollama" in SERVICES["ollama"]["volumes"]
    assert SERVICES["ollama-gpu"]["profiles"] == ["gpu"]
    devices = SERVICES["ollama-gpu"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]
    assert SERVICES["ingest"]["profiles"] == ["ingest"]


def test_the_apps_wait_for_healthy_qdrant_and_pulled_models() -> None:
    for name in ("webui", "api"):
        deps = SERVICES[name]["depends_on"]
        assert deps["qdrant"]["condition"] == "service_healthy"
        assert deps["models"]["condition"] == "service_completed_successfully"
    for name, service in SERVICES.items():
        for dep, rule in (service.get("depends_on") or {}).items():
            if rule["condition"] == "service_healthy":
                assert "test" in SERVICES[dep]["healthcheck"], (name, dep)
    assert SERVICES["models"]["restart"] == "no"
    for port in SERVICES["webui"]["ports"] + SERVICES["api"]["ports"] + SERVICES["qdrant"]["ports"]:
        assert port.startswith("127.0.0.1:"), port  # nothing is published beyond this machine by default


def _commands(service: dict) -> list[list[str]]:
    """The simple commands a service runs: its command, entry point and health check, shell scripts split up."""
    found = []
    entrypoint, command = service.get("entrypoint"), service.get("command")
    if entrypoint and entrypoint[-1] == "-c":  # the command is the script
        found.append([*entrypoint, command[0]])
    else:
        found += [argv for argv in (entrypoint, command) if argv]
    test = (service.get("healthcheck") or {}).get("test")
    if test and test[0] in ("CMD", "CMD-SHELL"):
        found.append(test[1:] if test[0] == "CMD" else ["sh", "-c", test[1]])
    out = []
    for argv in found:
        out.append(argv)
        if argv[0] in ("sh", "/bin/sh", "bash") and "-c" in argv:
            out += _script_commands(argv[argv.index("-c") + 1])
    return out


def _script_commands(script: str) -> list[list[str]]:
    """Simple commands of a shell script; command substitutions count as commands, variables as sample values."""
    inner = re.findall(r"\$\(([^()]*)\)", script)
    script = re.sub(r"\$\([^()]*\)", "X", script)
    script = re.sub(r"\$\{?[A-Z_]+\}?", "0/1", script)
    commands = []
    for part in re.split(r"&&|\|\||;|\||\n", script) + [p for s in inner for p in s.split("|")]:
        words = [w for w in shlex.split(part) if not re.match(r"^\d?[<>]", w)]
        while words and (words[0] in ("exec", "then", "do", "else") or re.match(r"^\w+=", words[0])):
            words = words[1:]
        if words:
            commands.append(words)
    return commands


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_commands_exist_in_the_image_that_runs_them(name: str) -> None:
    service = SERVICES[name]
    image = image_of(service)
    for argv in _commands(service):
        binary = argv[0]
        assert binary not in ("curl", "wget"), (name, argv)
        assert binary in IMAGE_BINARIES[image] | SHELL_WORDS, (name, binary, argv)
        if binary == "docsight":
            build_parser().parse_args(argv[1:])  # raises SystemExit(2) on an unknown command or flag
        if binary == "hayhooks":
            help_text = subprocess.run(
                [str(REPO / ".venv" / "bin" / "hayhooks"), argv[1], "--help"], capture_output=True, text=True
            ).stdout
            assert all(flag in help_text for flag in argv[2:] if flag.startswith("--")), argv
        if binary == "python":
            compile(argv[argv.index("-c") + 1], f"{name} healthcheck", "exec")


def test_models_script_is_valid_shell() -> None:
    script = SERVICES["models"]["command"][0]
    assert subprocess.run(["sh", "-n", "-c", script]).returncode == 0
    assert "ollama show" in script and "ollama pull" in script  # pulls only what is missing


class _Readyz(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/readyz" else 404)
        self.end_headers()
        self.wfile.write(b"all shards are ready")

    def log_message(self, *args) -> None:
        pass


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_qdrant_healthcheck_asks_readyz_with_bash_alone(status: int, healthy: bool) -> None:
    handler = type("Handler", (_Readyz,), {"status": status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        test = SERVICES["qdrant"]["healthcheck"]["test"]
        assert test[:3] == ["CMD", "bash", "-c"]
        script = test[3].replace("6333", str(server.server_address[1]))
        done = subprocess.run(["bash", "-c", script], timeout=10, env={"PATH": "/usr/bin:/bin"})
        assert (done.returncode == 0) is healthy
    finally:
        server.shutdown()


def test_every_docsight_variable_is_a_setting_and_env_example_has_the_defaults() -> None:
    used = set(re.findall(r"\bDOCSIGHT_[A-Z0-9_]+", COMPOSE_TEXT + DOCKERFILE + ENV_EXAMPLE))
    assert used <= set(SETTINGS), used - set(SETTINGS)
    listed = dict(re.findall(r"^(DOCSIGHT_[A-Z0-9_]+)=(.*)$", ENV_EXAMPLE, re.M))
    for name, value in listed.items():
        assert value == SETTINGS[name], (name, value, SETTINGS[name])
    mentioned = set(re.findall(r"^#? ?(DOCSIGHT_[A-Z0-9_]+)", ENV_EXAMPLE, re.M))
    assert mentioned == set(SETTINGS), set(SETTINGS) - mentioned
    # what compose interpolates from .env has the same defaults as the settings
    for name, default in re.findall(r"\$\{(DOCSIGHT_[A-Z0-9_]+):-([^}]*)\}", COMPOSE_TEXT):
        assert default == SETTINGS[name], (name, default)


def test_dockerfile_is_slim_non_root_with_the_model_inside_and_the_readme_setup() -> None:
    assert re.search(r"^FROM python:3\.\d+-slim", DOCKERFILE, re.M)
    assert re.search(r"^USER (?!root)\w+", DOCKERFILE, re.M)
    runs = re.findall(r"^RUN (.+?)(?<!\\)$", DOCKERFILE.replace("\\\n", " "), re.M)
    assert any(run.startswith("scripts/setup.sh") for run in runs)  # the README's setup, OCR packages included
    assert any(".venv/bin/docsight prepare" in run for run in runs)  # the embedding model built into the image
    readme = (REPO / "README.md").read_text()
    assert "scripts/setup.sh" in readme and "docker compose up" in readme
    setup = (REPO / "scripts" / "setup.sh").read_text()
    assert "tesseract-ocr" in setup and "poppler-utils" in setup
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.M).group(1))
    build_parser().parse_args(cmd[1:])
    health = json.loads(re.search(r"HEALTHCHECK .*?CMD (\[.*\])", DOCKERFILE.replace("\\\n", " ")).group(1))
    assert health[0] == "python" and "curl" not in DOCKERFILE and "wget" not in DOCKERFILE
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".venv", "data", ".git", ".env"} <= set(ignored)
