"""What the user reads when the OpenAI-compatible server fails: a message and a hint.

Each failure (no connection, HTTP status, a broken or unfinished stream, a
server that is not OpenAI-compatible) becomes an AgentError whose hint names
the setting to check. Must never: raise (these run while a turn is already
failing), or import ``openai`` at module level (it costs ~0.6 s at startup;
by the time a request has failed, the SDK is loaded).
"""

from __future__ import annotations

from conch.agents.events import AgentError
from conch.agents.registry import AgentSpec


def config_place(spec: AgentSpec) -> str:
    """Where the user set the server's address, to name in a hint."""
    if spec.source == "environment":
        return "OPENAI_BASE_URL"
    return f"base_url in [agents.{spec.name}]"


def describe_failure(error: BaseException, spec: AgentSpec) -> AgentError:
    """A failed request as a message and a hint, by what went wrong."""
    url, place = spec.base_url, config_place(spec)
    if isinstance(error, ImportError):
        return AgentError(f"Could not load the openai package: {error}", "pip install openai")
    import openai

    if isinstance(error, openai.APITimeoutError):
        return AgentError(
            f"The server at {url} did not answer in time.",
            f"It may be busy or still loading the model; try again, or check {place}.",
        )
    if isinstance(error, openai.APIConnectionError):
        return AgentError(
            f"Could not connect to {url}.",
            f"Is the server at {url} running? Check {place}.",
        )
    if isinstance(error, openai.APIStatusError):
        return _status_error(error.status_code, _server_message(error.body, error.message), spec)
    if isinstance(error, openai.APIError):
        return AgentError(
            f"The server reported an error: {_server_message(error.body, error.message)}",
            "See the server's log; then send the prompt again.",
        )
    if isinstance(error, ValueError | TypeError | AttributeError | KeyError):
        return _not_compatible_error(error, spec)
    return AgentError(
        f"Unexpected error: {type(error).__name__}: {error}",
        "This looks like a bug in Conch; please report it with this message.",
    )


def _server_message(body: object, fallback: str) -> str:
    if isinstance(body, dict):
        message = body.get("message") or body.get("error")
        if isinstance(message, str):
            return message
    return str(body)[:300] if body else fallback


def _status_error(status: int, message: str, spec: AgentSpec) -> AgentError:
    text = f"The server answered HTTP {status}: {message}"
    place = config_place(spec)
    if status in (401, 403):
        if spec.api_key_env:
            hint = f"Check the API key: is {spec.api_key_env} set, and valid for this server?"
        else:
            hint = f"Set api_key_env in [agents.{spec.name}] to the variable holding your key."
    elif status == 404:
        hint = f"Check {place} (it usually ends in /v1) and the model name ({spec.model or '?'})."
    elif status in (400, 422):
        hint = (
            "The server refused the request. If it says tools are unsupported, use a model "
            "with tool calling (llama.cpp: start llama-server with --jinja); if the "
            "conversation is too long, start a new session."
        )
    elif status == 429:
        hint = "The server is limiting requests; wait a moment and try again."
    else:
        hint = "The server failed; see its log, then send the prompt again."
    return AgentError(text, hint)


def _not_compatible_error(error: BaseException, spec: AgentSpec) -> AgentError:
    return AgentError(
        f"The server at {spec.base_url} did not answer like an OpenAI-compatible API "
        f"({type(error).__name__}: {str(error)[:200]}).",
        f"Check that {config_place(spec)} points at the /v1 endpoint of an "
        "OpenAI-compatible server.",
    )


def broken_stream_error(error: BaseException, spec: AgentSpec) -> AgentError:
    """A failure while the reply streamed: garbage in it, or the connection dropped."""
    import openai

    if isinstance(error, openai.APIError) and not isinstance(error, openai.APIConnectionError):
        return describe_failure(error, spec)
    if isinstance(error, ValueError | TypeError | AttributeError | KeyError):
        return _not_compatible_error(error, spec)
    return AgentError(
        f"The connection to {spec.base_url} dropped before the reply finished.",
        "Check the server's log (it may have crashed), then send the prompt again.",
    )


def unfinished_reply_error(chunks: int, spec: AgentSpec) -> AgentError:
    """The stream ended without a finish reason: nothing usable, or cut short."""
    if chunks == 0:
        return AgentError(
            f"The server at {spec.base_url} did not send a chat-completions stream.",
            f"Check that {config_place(spec)} points at the /v1 endpoint of an "
            "OpenAI-compatible server.",
        )
    return AgentError(
        f"The reply from {spec.base_url} stopped before the model finished.",
        "The connection may have dropped; check the server's log, then send the prompt again.",
    )


def no_models_error(spec: AgentSpec) -> AgentError:
    """No model was configured and the server offers none."""
    return AgentError(
        f"The server at {spec.base_url} lists no models.",
        f"Load a model on the server, or set model in {config_place(spec)}.",
    )
