#!/usr/bin/env python3
"""Turns a tmux `capture-pane -e -p` dump (text with ANSI SGR colour codes) into a standalone
HTML page that looks like the terminal, for headless Chromium to screenshot.

usage: ansi_to_html.py INPUT.ans OUTPUT.html [--title TITLE]
"""
import html
import re
import sys

# xterm's default 16-colour palette (what most terminals show for codes 30-37 / 90-97).
PALETTE = ["#2e3436", "#cc0000", "#4e9a06", "#c4a000", "#3465a4", "#75507b", "#06989a", "#d3d7cf",
           "#555753", "#ef2929", "#8ae234", "#fce94f", "#729fcf", "#ad7fa8", "#34e2e2", "#eeeeec"]
FG, BG = "#d3d7cf", "#1e1f22"
SGR = re.compile(r"\x1b\[([0-9;]*)m")
OTHER_ESC = re.compile(r"\x1b\][^\x07]*\x07|\x1b[()][A-Za-z0-9]|\x1b\[[0-9;?]*[A-Za-ln-z]")


def xterm256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    g = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (g, g, g)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = None
        self.bold = self.dim = self.italic = self.underline = self.reverse = False

    def apply(self, params):
        codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 3:
                self.italic = True
            elif c == 4:
                self.underline = True
            elif c == 7:
                self.reverse = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.underline = False
            elif c == 27:
                self.reverse = False
            elif 30 <= c <= 37:
                self.fg = PALETTE[c - 30]
            elif 90 <= c <= 97:
                self.fg = PALETTE[c - 90 + 8]
            elif 40 <= c <= 47:
                self.bg = PALETTE[c - 40]
            elif 100 <= c <= 107:
                self.bg = PALETTE[c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    colour = xterm256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    colour = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                    i += 4
                else:
                    colour = None
                if c == 38:
                    self.fg = colour
                else:
                    self.bg = colour
            i += 1

    def css(self):
        fg, bg = self.fg or FG, self.bg
        if self.reverse:
            fg, bg = (bg or BG), fg
        parts = [f"color:{fg}"]
        if bg:
            parts.append(f"background:{bg}")
        if self.bold:
            parts.append("font-weight:bold")
        if self.dim:
            parts.append("opacity:0.65")
        if self.italic:
            parts.append("font-style:italic")
        if self.underline:
            parts.append("text-decoration:underline")
        return ";".join(parts)


def convert(text):
    text = OTHER_ESC.sub("", text)
    style, out, pos = Style(), [], 0
    for m in SGR.finditer(text):
        if m.start() > pos:
            out.append(f'<span style="{style.css()}">{html.escape(text[pos:m.start()])}</span>')
        style.apply(m.group(1))
        pos = m.end()
    out.append(f'<span style="{style.css()}">{html.escape(text[pos:])}</span>')
    return "".join(out)


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    src, dst = sys.argv[1], sys.argv[2]
    title = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--title" else "vibe"
    body = convert(open(src, encoding="utf-8", errors="replace").read().rstrip("\n"))
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ margin:0; background:#101114; }}
.win {{ margin:16px; border-radius:8px; background:{BG}; box-shadow:0 4px 16px #0008; display:inline-block; }}
.bar {{ height:26px; border-radius:8px 8px 0 0; background:#2b2d31; color:#9a9ca3; font:13px sans-serif;
        line-height:26px; padding-left:12px; }}
pre {{ margin:0; padding:10px 14px 14px; font:14px/1.3 'DejaVu Sans Mono', monospace; color:{FG}; }}
</style></head><body><div class="win"><div class="bar">{html.escape(title)}</div><pre>{body}</pre></div></body></html>"""
    open(dst, "w", encoding="utf-8").write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
