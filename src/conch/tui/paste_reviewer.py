"""The app's side of a multi-line paste: hold it for review, say where it would go.

The prompt is one line; a paste of several lines is never cut to the first. It opens in
PasteReview, which names where Ctrl+S sends it; submitted, it takes the ordinary path
of a line typed at the prompt (routing, journal, history) as one entry.
"""

from __future__ import annotations

from textual.widgets import Input

from conch.tui.app_base import ConchAppBase
from conch.tui.widgets.paste_review import PasteReview
from conch.tui.widgets.prompt_input import PromptInput
from conch_plugins.shell_mode.modes import ExecutionMode
from conch_plugins.shell_mode.routing import Target


class PasteReviewActions(ConchAppBase):
    def on_prompt_input_multi_line_pasted(self, message: PromptInput.MultiLinePasted) -> None:
        prompt = self.prompt_bar.input

        def reviewed(text: str | None) -> None:
            if text:  # None: dropped; the prompt keeps what it held before the paste
                prompt.post_message(Input.Submitted(prompt, text))
            prompt.focus()

        review = PasteReview(message.text, self._paste_destination(message.text))
        self.push_screen(review, reviewed)

    def _paste_destination(self, text: str) -> str:
        """Where the pasted lines would go if submitted now, in a few words."""
        if self.running_block is not None:
            return f"the running `{self.running_block.command}` as its input"
        mode = self.mode_provider.mode
        route = self.plugins.hook.conch_route_line(line=text, mode=mode, index=self.session.index)
        if route.target is Target.AGENT:
            return "the agent, as one prompt"
        if route.target is Target.ASK and self.agent_choice.spec is not None:
            return "Auto mode, which will ask: shell or agent"
        where = "the shell" if mode is ExecutionMode.AUTO else "the shell (Shell mode)"
        return f"{where}, as one script"
