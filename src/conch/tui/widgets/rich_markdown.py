"""Rich's Markdown, dressed in the colours of the Textual theme the app uses.

MarkdownSegment renders an answer with Rich (one widget, many blocks); this
module makes that look like Textual's own Markdown widget: heading, inline
code, bullet and table colours come from the theme's variables, fences are
highlighted with Textual's HighlightTheme on a shade of the background, and
ordered lists read "1." as in Textual. No Textual widgets here, and nothing
that needs a running app: colours come in as the theme's variables.
"""

from __future__ import annotations

from typing import ClassVar

from markdown_it.token import Token
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import CodeBlock, ListItem, Markdown, MarkdownElement
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax, SyntaxTheme, TokenType
from rich.theme import Theme
from textual.color import Color, ColorParseError
from textual.highlight import ANSIDarkHighlightTheme, ANSILightHighlightTheme, HighlightTheme


class Palette:
    """Theme variables ("$primary", "ansi_blue", "$text 60%") as Rich colours and styles."""

    def __init__(self, variables: dict[str, str], background: Color, dark: bool, ansi: bool):
        self.variables = variables
        self.background = background
        self.dark = dark
        self.ansi = ansi

    def color(self, spec: str, alpha: float = 1.0) -> str:
        """A Rich colour for "$name", "#rrggbb" or "ansi_x", blended onto the background."""
        value = self.variables.get(spec[1:], "") if spec.startswith("$") else spec
        value, _, percent = value.partition(" ")
        if value == "auto":  # "$text" is a contrast colour: the foreground, here
            value, _, percent = self.variables.get("foreground", "").partition(" ")
        try:
            parsed = Color.parse(value)
        except ColorParseError:
            return ""
        if percent.endswith("%"):
            alpha *= float(percent[:-1]) / 100
        if parsed.ansi is not None or self.background.ansi is not None:
            # Terminal colours cannot be blended: tints are left out.
            return parsed.rich_color.name if alpha == 1.0 else ""
        return (self.background + parsed.multiply_alpha(alpha)).hex

    def style(self, spec: str) -> Style:
        """A Textual style string ("bold $text-success 80%", "$a on $b") as a Rich Style."""
        words = spec.split()
        parts: list[str] = []
        on = ""
        for index, word in enumerate(words):
            following = words[index + 1] if index + 1 < len(words) else ""
            if word == "on":
                on = "on "
            elif word.startswith(("$", "#", "ansi_")):
                alpha = float(following[:-1]) / 100 if following.endswith("%") else 1.0
                color = self.color(word, alpha)
                parts += [on + color] if color else []
                on = ""
            elif not word.endswith("%") and word != "none":
                parts.append(word)
        return Style.parse(" ".join(parts)) if parts else Style()

    def code_background(self) -> str | None:
        """Textual's fences sit on black 10% (dark) or white 30% (light)."""
        if self.ansi or self.background.ansi is not None:
            return None
        shade = Color(0, 0, 0, 0.1) if self.dark else Color(255, 255, 255, 0.3)
        return (self.background + shade).hex

    def theme(self) -> Theme:
        """Rich's markdown.* styles in the theme's colours."""
        variables = self.variables
        styles = {}
        for level in range(1, 7):
            text_style = variables.get(f"markdown-h{level}-text-style", "bold")
            styles[f"markdown.h{level}"] = self.style(f"{text_style} $markdown-h{level}-color")
        if self.ansi:
            styles["markdown.code"] = self.style("$text-warning" if self.dark else "$text-error")
        elif self.dark:
            styles["markdown.code"] = self.style("$text-warning 95% on $warning 10%")
        else:
            styles["markdown.code"] = self.style("$text-error 95% on $error 5%")
        styles["markdown.item.bullet"] = self.style("bold $text-primary")
        styles["markdown.item.number"] = self.style("$text-primary")
        styles["markdown.table.header"] = self.style("bold $text-primary")
        styles["markdown.table.border"] = self.style("$primary")
        styles["markdown.block_quote"] = self.style("$text 60%")
        styles["markdown.hr"] = self.style("$text 60%")
        styles["markdown.link"] = self.style("$text-accent")
        styles["markdown.link_url"] = self.style("underline $text-accent")
        return Theme(styles, inherit=True)


class CodeTheme(SyntaxTheme):
    """Textual's HighlightTheme (the colours its Markdown fences use) for Rich's Syntax."""

    def __init__(self, palette: Palette) -> None:
        theme: type[HighlightTheme] = HighlightTheme
        if palette.ansi:
            theme = ANSIDarkHighlightTheme if palette.dark else ANSILightHighlightTheme
        self._specs = theme.STYLES
        self._palette = palette
        self._styles: dict[TokenType, Style] = {}
        background = palette.code_background()
        self._background = Style(bgcolor=background) if background else Style()

    def get_style_for_token(self, token_type: TokenType) -> Style:
        if token_type not in self._styles:
            token = token_type
            while token and token not in self._specs:
                token = token[:-1]  # a Pygments token's parent
            self._styles[token_type] = self._palette.style(self._specs.get(token, ""))
        return self._styles[token_type]

    def get_background_style(self) -> Style:
        return self._background


class _NumberedItem(ListItem):
    """Rich numbers items "1"; Textual's Markdown (and most readers) expect "1."."""

    def render_number(
        self, console: Console, options: ConsoleOptions, number: int, last_number: int
    ) -> RenderResult:
        width = len(str(last_number)) + 3
        lines = console.render_lines(
            self.elements, options.update(width=options.max_width - width), style=self.style
        )
        style = console.get_style("markdown.item.number", default="none")
        numeral = Segment(f"{number}.".rjust(width - 1) + " ", style)
        padding = Segment(" " * width, style)
        for index, line in enumerate(lines):
            yield padding if index else numeral
            yield from line
            yield Segment.line()


class _CodeBlock(CodeBlock):
    """A fence highlighted like Textual's, on a shade of the answer's background."""

    code_theme: SyntaxTheme | None = None

    @classmethod
    def create(cls, markdown: Markdown, token: Token) -> CodeBlock:
        block = super().create(markdown, token)
        if isinstance(block, _CodeBlock) and isinstance(markdown, AnswerMarkdown):
            block.code_theme = markdown.syntax_theme
        return block

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        code = str(self.text).rstrip()
        theme = self.code_theme or self.theme
        yield Syntax(code, self.lexer_name, theme=theme, word_wrap=True, padding=(1, 2))


class AnswerMarkdown(Markdown):
    """Rich's Markdown with Textual-like lists and fences; render it under ``palette.theme()``."""

    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements,
        "list_item_open": _NumberedItem,
        "fence": _CodeBlock,
        "code_block": _CodeBlock,
    }

    def __init__(self, source: str, syntax_theme: CodeTheme) -> None:
        super().__init__(source)
        self.syntax_theme = syntax_theme
