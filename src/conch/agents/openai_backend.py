"""Conch's own agent: a tool loop over any OpenAI-compatible chat-completions API.

The model streams text and tool calls; Conch runs the tools itself (files in
builtin_tools, commands in the user's bash through AgentShell), asks the user
before any write or command (write_policy), sends the results back, and loops
until the model answers without tools. The conversation is kept across turns.

Must never: raise out of ``prompt`` (every failure becomes an AgentError with a
hint the user can act on, then TurnEnded("error")), or import ``openai`` at
module level (it costs ~0.6 s and Conch must start fast; it is imported in a
thread when the first turn starts).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

from conch.agents import builtin_tools as tools
from conch.agents.backend import PermissionHandler
from conch.agents.builtin_tools import ToolError, ToolInfo
from conch.agents.events import (
    STANDARD_OPTIONS,
    AgentError,
    AgentEvent,
    FileDiff,
    MessageChunk,
    PermissionDecided,
    PermissionRequest,
    ThoughtChunk,
    ToolCall,
    ToolCallUpdate,
    ToolStatus,
    TurnContext,
    TurnEnded,
)
from conch.agents.registry import AgentSpec
from conch.agents.write_policy import PermissionMemory, is_inside, outside_project_reason
from conch_plugins.shell_mode.agent_shell import AgentShell
from conch_plugins.shell_mode.command_result import CommandResult

if TYPE_CHECKING:
    from openai import AsyncOpenAI, AsyncStream
    from openai.types.chat import ChatCompletionChunk

T = TypeVar("T")

DEFAULT_MAX_STEPS = 25
# A command that ignores ^C keeps its worker thread; keep interrupting it this
# long after a cancel so the agent's shell is free for the next turn.
INTERRUPT_RETRY_SECONDS = 10.0
INTERRUPT_EVERY = 0.25
CLOSE_SHELL_TIMEOUT = 3.0

STOP_REASONS = {
    "stop": "end_turn",
    "tool_calls": "end_turn",
    "length": "max_tokens",
    "content_filter": "refusal",
}


class TurnCancelled(Exception):
    """The user cancelled: unwinds the loop to TurnEnded("cancelled")."""


class TurnFailed(Exception):
    """The turn cannot go on; carries the AgentError the user sees."""

    def __init__(self, error: AgentError) -> None:
        super().__init__(error.message)
        self.error = error


class ToolRefused(Exception):
    """The user refused a tool call; the message goes back to the model."""


def system_prompt(context: TurnContext) -> str:
    return (
        "You are a coding agent inside Conch, a terminal app where the user works on their "
        f"project. The working directory is {context.cwd}; the project root is "
        f"{context.project_root}. Use the tools to look at and change files; relative paths "
        "are relative to the working directory. Read a file before you edit it. run_command "
        "runs in the user's own bash (their environment, aliases and functions) in the "
        "working directory: it is their real machine, not a sandbox. The user approves each "
        "write and command and may refuse; when they refuse, do not retry the same thing, "
        "ask them instead. Answer briefly: the user reads your answers in a terminal."
    )


def _ignore_result(future: asyncio.Future[Any]) -> None:
    """Mark an abandoned future's exception as seen (no "never retrieved" warnings)."""
    if not future.cancelled():
        future.exception()


class _Turn:
    """One prompt's state: its frozen context, its cancel signal, its unfinished text."""

    def __init__(self, context: TurnContext, permissions: PermissionHandler) -> None:
        self.context = context
        self.permissions = permissions
        self.partial_text = ""
        """Text of the reply being streamed (kept in the history if the turn is cut)."""
        self.stop_reason = "end_turn"
        self._cancelled = asyncio.Event()
        self._waiter = asyncio.ensure_future(self._cancelled.wait())

    @property
    def is_cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def close(self) -> None:
        self._waiter.cancel()

    async def wait_first(self, *futures: asyncio.Future[Any]) -> set[asyncio.Future[Any]]:
        """Wait for the first of ``futures``; TurnCancelled if the user cancels first."""
        done, _ = await asyncio.wait({*futures, self._waiter}, return_when=asyncio.FIRST_COMPLETED)
        if self.is_cancelled:
            raise TurnCancelled
        return done

    async def until_cancelled(self, awaitable: Awaitable[T]) -> T:
        """Await ``awaitable``, abandoning it (cancelled) when the user cancels."""
        task = asyncio.ensure_future(awaitable)
        try:
            await self.wait_first(task)
        except BaseException as error:
            task.cancel()
            task.add_done_callback(_ignore_result)
            if isinstance(error, TurnCancelled):
                # Let it unwind (an HTTP read, say) before its stream is closed.
                await asyncio.wait({task}, timeout=1.0)
            raise
        return task.result()


@dataclass
class _ToolCallDraft:
    """A tool call assembled from streamed fragments."""

    call_id: str = ""
    name: str = ""
    arguments: str = ""


@dataclass
class _Reply:
    """One streamed model reply, accumulated."""

    text: str = ""
    drafts: dict[int, _ToolCallDraft] = field(default_factory=dict)
    finish_reason: str | None = None
    chunks: int = 0

    def absorb(self, chunk: ChatCompletionChunk) -> list[AgentEvent]:
        """Take in one chunk; the events it produces for the UI."""
        self.chunks += 1
        events: list[AgentEvent] = []
        for choice in (chunk.choices or [])[:1]:  # lenient: some servers omit them
            delta = choice.delta
            if delta is None:
                continue
            thought = _reasoning_text(delta.model_extra or {})
            if thought:
                events.append(ThoughtChunk(thought))
            if delta.content:
                self.text += delta.content
                events.append(MessageChunk(delta.content))
            for part in delta.tool_calls or ():
                draft = self.drafts.setdefault(part.index or 0, _ToolCallDraft())
                draft.call_id = draft.call_id or (part.id or "")
                if part.function is not None:
                    draft.name += part.function.name or ""
                    draft.arguments += part.function.arguments or ""
            if choice.finish_reason:
                self.finish_reason = choice.finish_reason
        return events

    @property
    def calls(self) -> list[_ToolCallDraft]:
        return [self.drafts[index] for index in sorted(self.drafts)]


def _reasoning_text(extra: dict[str, Any]) -> str:
    """Thinking text: llama.cpp and vLLM send ``reasoning_content``, others ``reasoning``."""
    value = extra.get("reasoning_content") or extra.get("reasoning")
    return value if isinstance(value, str) else ""


@dataclass
class _Outcome:
    """What a tool call ended with: text for the model, text and status for the UI."""

    for_model: str = ""
    shown: str | None = None
    status: ToolStatus = "completed"
    diffs: tuple[FileDiff, ...] = ()

    def fail(self, message: str) -> None:
        self.for_model = self.shown = message
        self.status = "failed"


@dataclass(frozen=True)
class _HistoryMark:
    """The conversation before a turn, to undo a turn that produced nothing."""

    length: int
    last_cwd: str | None


class OpenAIBackend:
    """AgentBackend for an OpenAI-compatible server; Conch runs the tools itself."""

    def __init__(
        self,
        spec: AgentSpec,
        shell: AgentShell,
        *,
        max_steps: int = DEFAULT_MAX_STEPS,
        max_retries: int = 2,
    ) -> None:
        self.name = spec.name
        self.spec = spec
        self.shell = shell
        self.max_steps = max_steps
        """Model requests per turn before it ends with "max_turn_requests"."""
        self.max_retries = max_retries
        """The SDK's retries of a failed request (connection errors, 5xx, 429)."""
        self.messages: list[dict[str, Any]] = []
        """The conversation as sent to the server, kept across turns."""
        self.permission_memory = PermissionMemory()
        self._client: AsyncOpenAI | None = None
        self._model = spec.model
        self._last_cwd: str | None = None
        self._turn: _Turn | None = None
        self._command: asyncio.Future[tuple[str, CommandResult]] | None = None
        self._background: set[asyncio.Task[None]] = set()
        self._ids = itertools.count(1)

    # -- AgentBackend ------------------------------------------------------------

    async def prompt(
        self, text: str, context: TurnContext, permissions: PermissionHandler
    ) -> AsyncIterator[AgentEvent]:
        if self._turn is not None:
            yield AgentError("A turn is already running.", "Wait for it to end, or cancel it.")
            yield TurnEnded("error")
            return
        turn = self._turn = _Turn(context, permissions)
        mark = _HistoryMark(len(self.messages), self._last_cwd)
        ending: list[AgentEvent] = []
        try:
            self._add_user_message(text, context)
            async with aclosing(self._run_turn(turn)) as events:
                async for event in events:
                    yield event
            ending = [TurnEnded(turn.stop_reason)]
        except TurnCancelled:
            ending = [TurnEnded("cancelled")]
        except Exception as error:
            if turn.is_cancelled:
                ending = [TurnEnded("cancelled")]
            elif isinstance(error, TurnFailed):
                ending = [error.error, TurnEnded("error")]
            else:
                ending = [describe_failure(error, self.spec), TurnEnded("error")]
        finally:
            # Before the last event: a reader may stop at TurnEnded and prompt again
            # at once, or abandon this generator mid-turn.
            self._settle_history(mark, turn)
            turn.close()
            self._turn = None
        for event in ending:
            yield event

    async def cancel(self) -> None:
        """Stop the turn: its stream is closed and a running command interrupted."""
        turn = self._turn
        if turn is None:
            return
        turn.cancel()
        if self._command is not None and not self._command.done():
            self.shell.interrupt()

    async def close(self) -> None:
        await self.cancel()
        if self._client is not None:
            with contextlib.suppress(Exception):
                await self._client.close()
            self._client = None
        with contextlib.suppress(Exception):
            # The shell waits for a running command; a stubborn one must not hang exit.
            await asyncio.wait_for(asyncio.to_thread(self.shell.close), CLOSE_SHELL_TIMEOUT)

    # -- the loop ----------------------------------------------------------------

    async def _run_turn(self, turn: _Turn) -> AsyncGenerator[AgentEvent, None]:
        client = await turn.until_cancelled(self._ensure_client())
        model = await turn.until_cancelled(self._ensure_model(client))
        for _ in range(self.max_steps):
            reply = _Reply()
            async with aclosing(self._stream_reply(client, model, turn, reply)) as events:
                async for event in events:
                    yield event
            calls = self._add_assistant_message(reply)
            turn.partial_text = ""
            if not calls:
                turn.stop_reason = STOP_REASONS.get(reply.finish_reason or "", "end_turn")
                return
            for call in calls:
                async with aclosing(self._run_tool(call, turn)) as events:
                    async for event in events:
                        yield event
        turn.stop_reason = "max_turn_requests"

    async def _ensure_client(self) -> AsyncOpenAI:
        if self._client is None:
            self._client = await asyncio.to_thread(_make_client, self.spec, self.max_retries)
        return self._client

    async def _ensure_model(self, client: AsyncOpenAI) -> str:
        """The configured model, else the server's first (asked once)."""
        if not self._model:
            page = await client.models.list()
            ids = [model.id for model in page.data]
            if not ids:
                raise TurnFailed(
                    AgentError(
                        f"The server at {self.spec.base_url} lists no models.",
                        f"Load a model on the server, or set model in {_config_place(self.spec)}.",
                    )
                )
            self._model = ids[0]
        return self._model

    async def _stream_reply(
        self, client: AsyncOpenAI, model: str, turn: _Turn, reply: _Reply
    ) -> AsyncGenerator[AgentEvent, None]:
        stream = await turn.until_cancelled(
            client.chat.completions.create(
                model=model,
                messages=cast(Any, self.messages),
                tools=cast(Any, tools.tool_schemas()),
                stream=True,
            )
        )
        try:
            while (chunk := await turn.until_cancelled(_next_chunk(stream))) is not None:
                for event in reply.absorb(chunk):
                    if isinstance(event, MessageChunk):
                        turn.partial_text += event.text
                    yield event
        except (TurnCancelled, TurnFailed):
            raise
        except Exception as error:
            raise TurnFailed(broken_stream_error(error, self.spec)) from error
        finally:
            with contextlib.suppress(Exception):
                await stream.close()
        if reply.finish_reason is None:
            raise TurnFailed(unfinished_reply_error(reply.chunks, self.spec))

    def _add_user_message(self, text: str, context: TurnContext) -> None:
        if not self.messages:
            self.messages.append({"role": "system", "content": system_prompt(context)})
        elif context.cwd != self._last_cwd:
            # A note in the user's message rather than a new system prompt: servers
            # that cache the prompt prefix (llama.cpp) keep their cache.
            text = f"(The working directory is now {context.cwd}.)\n\n{text}"
        self._last_cwd = context.cwd
        self.messages.append({"role": "user", "content": text})

    def _add_assistant_message(self, reply: _Reply) -> list[_ToolCallDraft]:
        """Record the reply; its tool calls, each with an id."""
        calls = reply.calls
        message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
        if calls:
            for call in calls:
                call.call_id = call.call_id or f"conch_call_{next(self._ids)}"
            message["tool_calls"] = [
                {
                    "id": call.call_id,
                    "type": "function",
                    # Servers such as llama.cpp re-parse these when building the
                    # next prompt and fail on invalid JSON; the tool result says why.
                    "function": {"name": call.name, "arguments": _valid_json_or_empty(call)},
                }
                for call in calls
            ]
        elif not reply.text:
            message["content"] = ""
        self.messages.append(message)
        return calls

    def _settle_history(self, mark: _HistoryMark, turn: _Turn) -> None:
        """Leave the conversation valid however the turn ended (no-op when it finished).

        A turn that got no answer at all is undone (the user will send it again);
        otherwise every tool call gets a result and the partial text is kept.
        """
        why = "the user cancelled the turn" if turn.is_cancelled else "the turn was cut short"
        added = self.messages[mark.length :]
        if not turn.partial_text and not any(m["role"] == "assistant" for m in added):
            del self.messages[mark.length :]
            self._last_cwd = mark.last_cwd
            return
        answered = {m.get("tool_call_id") for m in added if m["role"] == "tool"}
        for message in added:
            for call in message.get("tool_calls", ()):
                if call["id"] not in answered:
                    self._add_tool_result(call["id"], f"No result: {why}.")
        if turn.partial_text:
            self.messages.append({"role": "assistant", "content": turn.partial_text})

    def _add_tool_result(self, call_id: str, text: str) -> None:
        self.messages.append({"role": "tool", "tool_call_id": call_id, "content": text})

    # -- tools ---------------------------------------------------------------------

    async def _run_tool(
        self, call: _ToolCallDraft, turn: _Turn
    ) -> AsyncGenerator[AgentEvent, None]:
        info = tools.TOOLS.get(call.name)
        problem = ""
        try:
            args = tools.parse_arguments(call.arguments)
        except ToolError as error:
            args, problem = {}, str(error)
        path = args.get("path")
        tool_call = ToolCall(
            call.call_id,
            tools.describe_call(call.name, args),
            info.kind if info else "other",
            "pending" if info and info.asks_permission else "in_progress",
            raw_input=call.arguments,
            locations=(tools.resolve_path(turn.context.cwd, path),)
            if isinstance(path, str)
            else (),
        )
        yield tool_call
        outcome = _Outcome()
        try:
            if info is None:
                raise ToolError(
                    f"there is no tool named {call.name!r}; the tools are {', '.join(tools.TOOLS)}"
                )
            if problem:
                raise ToolError(problem)
            async with aclosing(self._execute(info, args, tool_call, turn, outcome)) as events:
                async for event in events:
                    yield event
        except ToolError as error:
            outcome.fail(f"Error: {error}")
        except ToolRefused as refusal:
            outcome.fail(str(refusal))
        except OSError as error:
            outcome.fail(f"Error: {error}")
        except TurnCancelled:
            yield ToolCallUpdate(call.call_id, status="failed")
            raise
        yield ToolCallUpdate(
            call.call_id, status=outcome.status, content=outcome.shown, diffs=outcome.diffs
        )
        self._add_tool_result(call.call_id, outcome.for_model)

    async def _execute(
        self,
        info: ToolInfo,
        args: dict[str, Any],
        tool_call: ToolCall,
        turn: _Turn,
        outcome: _Outcome,
    ) -> AsyncGenerator[AgentEvent, None]:
        cwd = turn.context.cwd
        if info.name == "run_command":
            async with aclosing(self._run_command(args, tool_call, turn, outcome)) as events:
                async for event in events:
                    yield event
        elif info.changes_files:
            plan = tools.plan_write if info.name == "write_file" else tools.plan_edit
            diff = plan(cwd, args)
            asking = replace(tool_call, diffs=(diff,))
            async with aclosing(self._ask_permission(asking, turn, diff.path)) as events:
                async for event in events:
                    yield event
            tools.apply_diff(diff)
            outcome.for_model = outcome.shown = tools.diff_summary(diff, cwd)
            outcome.diffs = (diff,)
        else:
            reader = READERS[info.name]
            outcome.for_model = await turn.until_cancelled(asyncio.to_thread(reader, cwd, args))
            outcome.shown = outcome.for_model

    async def _ask_permission(
        self, tool_call: ToolCall, turn: _Turn, target: str | None
    ) -> AsyncGenerator[AgentEvent, None]:
        """Ask the user unless remembered; ToolRefused when they say no."""
        root = turn.context.project_root
        outside = target is not None and not is_inside(target, root)
        if self.permission_memory.must_ask(tool_call.tool_kind, writes_outside_project=outside):
            reason = outside_project_reason(root) if outside else ""
            request = PermissionRequest(tool_call, STANDARD_OPTIONS, reason)
            try:
                decision = await turn.until_cancelled(turn.permissions.decide(request))
            except TurnCancelled:
                yield PermissionDecided(tool_call.tool_call_id, None)
                raise
            yield PermissionDecided(
                tool_call.tool_call_id, decision.option_id, decision.option_kind
            )
            if not decision.allowed:
                raise ToolRefused(
                    f"The user refused this {tool_call.title!r} call, so nothing was done. "
                    "Do not retry it; ask the user how to go on."
                )
            self.permission_memory.remember(tool_call.tool_kind, decision)
        yield ToolCallUpdate(tool_call.tool_call_id, status="in_progress")

    async def _run_command(
        self, args: dict[str, Any], tool_call: ToolCall, turn: _Turn, outcome: _Outcome
    ) -> AsyncGenerator[AgentEvent, None]:
        """Run in the user's bash (a thread: AgentShell blocks), streaming its output."""
        command = tools.text_argument(args, "command")
        timeout = tools.command_timeout(args)
        async with aclosing(self._ask_permission(tool_call, turn, None)) as events:
            async for event in events:
                yield event
        loop = asyncio.get_running_loop()
        chunks: asyncio.Queue[str] = asyncio.Queue()

        def on_output(text: str) -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed under us
                loop.call_soon_threadsafe(chunks.put_nowait, text)

        run = asyncio.ensure_future(
            asyncio.to_thread(self.shell.run, command, turn.context.cwd, timeout, on_output)
        )
        self._command = run
        try:
            async for text in _output_while_running(chunks, run, turn):
                yield ToolCallUpdate(tool_call.tool_call_id, content=text)
        except BaseException:  # cancelled, or the reader abandoned the turn
            self._keep_interrupting(run)
            raise
        finally:
            self._command = None
        try:
            output, result = run.result()
        except Exception as error:  # bash could not start
            raise ToolError(f"could not run the command: {error}") from None
        outcome.for_model = tools.command_result_for_model(
            output, result.exit_status, timed_out=result.timed_out, timeout=timeout
        )
        if result.timed_out:
            outcome.status, outcome.shown = "failed", f"\n(timed out after {timeout:.0f} s)"
        elif result.exit_status != 0:
            outcome.status, outcome.shown = "failed", f"\n(exit status {result.exit_status})"

    def _keep_interrupting(self, run: asyncio.Future[tuple[str, CommandResult]]) -> None:
        run.add_done_callback(_ignore_result)
        self.shell.interrupt()
        try:
            task = asyncio.get_running_loop().create_task(
                _interrupt_until_finished(self.shell, run)
            )
        except RuntimeError:  # finalised outside the loop: one interrupt is all we can do
            return
        self._background.add(task)
        task.add_done_callback(self._background.discard)


READERS = {
    "read_file": tools.read_file,
    "list_dir": tools.list_dir,
    "glob": tools.glob_files,
    "grep": tools.grep_files,
}


def _make_client(spec: AgentSpec, max_retries: int) -> AsyncOpenAI:
    """The SDK client; called in a thread, as importing the SDK blocks for ~0.6 s."""
    from openai import AsyncOpenAI

    return AsyncOpenAI(
        base_url=spec.base_url, api_key=spec.api_key or "not-needed", max_retries=max_retries
    )


async def _next_chunk(stream: AsyncStream[ChatCompletionChunk]) -> ChatCompletionChunk | None:
    try:
        return await stream.__anext__()
    except StopAsyncIteration:
        return None


def _drain(queue: asyncio.Queue[str]) -> str:
    parts: list[str] = []
    while not queue.empty():
        parts.append(queue.get_nowait())
    return "".join(parts)


async def _output_while_running(
    chunks: asyncio.Queue[str], run: asyncio.Future[Any], turn: _Turn
) -> AsyncGenerator[str, None]:
    """Output batches as they come, until the command is done and all is read."""
    while not run.done():
        getter = asyncio.ensure_future(chunks.get())
        try:
            await turn.wait_first(getter, run)
        finally:
            if not getter.done():
                # A cancelled get leaves its item in the queue for _drain.
                getter.cancel()
        first = getter.result() if getter.done() and not getter.cancelled() else ""
        text = first + _drain(chunks)
        if text:
            yield text
    # Output callbacks are queued on the loop before the thread's result is, so
    # everything the command printed is in the queue by now.
    rest = _drain(chunks)
    if rest:
        yield rest


async def _interrupt_until_finished(shell: AgentShell, run: asyncio.Future[Any]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + INTERRUPT_RETRY_SECONDS
    while not run.done() and loop.time() < deadline:
        shell.interrupt()
        await asyncio.wait({run}, timeout=INTERRUPT_EVERY)


def _valid_json_or_empty(call: _ToolCallDraft) -> str:
    try:
        json.loads(call.arguments or "{}")
    except json.JSONDecodeError:
        return "{}"
    return call.arguments or "{}"


# -- errors the user can act on ---------------------------------------------------


def _config_place(spec: AgentSpec) -> str:
    if spec.source == "environment":
        return "OPENAI_BASE_URL"
    return f"base_url in [agents.{spec.name}]"


def describe_failure(error: BaseException, spec: AgentSpec) -> AgentError:
    """A failed request as a message and a hint, by what went wrong."""
    url, place = spec.base_url, _config_place(spec)
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
    place = _config_place(spec)
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
        f"Check that {_config_place(spec)} points at the /v1 endpoint of an "
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
            f"Check that {_config_place(spec)} points at the /v1 endpoint of an "
            "OpenAI-compatible server.",
        )
    return AgentError(
        f"The reply from {spec.base_url} stopped before the model finished.",
        "The connection may have dropped; check the server's log, then send the prompt again.",
    )
