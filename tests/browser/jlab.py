"""Drive one notebook in JupyterLab through Playwright: open, run, read outputs, poke widgets.

Commands go through `window.jupyterapp` (the server runs with `--LabApp.expose_app_in_browser`).
Every wait has a bound; a timeout raises with what was seen last.
"""
import re
import time

IDLE_TIMEOUT = 90_000       # ms: page load to a started, idle kernel (measured 4 to 7 s)
RUN_TIMEOUT = 180_000       # ms: Run All of one lesson, or one cell
WIDGET_TIMEOUT = 60_000     # ms: a widget view appears / a picture redraws (about 1 s idle, 10+ s under load)

# Cells whose source calls something in the widgets module show an explorer.
WIDGET_CALL = re.compile(r"\bwidgets\.\w+\s*\(")
# Text of an output that is an error (a traceback, or an exception line such as `SyntaxError: ...`).
ERROR_TEXT = re.compile(r"Traceback|^\s*\w*(Error|Exception)\b", re.M)


def screenshot_if_failed(request, page, path, **options):
    """Save a screenshot of page to path when the test's call phase failed (best effort)."""
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        try:
            page.screenshot(path=str(path), timeout=10_000, **options)
        except Exception:  # noqa: BLE001 - best effort, the failure itself is what matters
            pass


# Shared JS: the notebook panel in the main area and the outputs of its cells, read from the model.
JS_LIB = r"""
window.__bp = {
  panel() {
    const w = window.jupyterapp.shell.currentWidget;
    if (!w || !w.content || !w.sessionContext) throw new Error('no notebook is the current widget');
    return w;
  },
  status() {
    const p = this.panel(), c = p.sessionContext;
    const bar = Array.from(document.querySelectorAll('.jp-StatusBar-Item')).map(e => e.innerText).join(' ');
    return {path: p.context.path, display: c.kernelDisplayStatus,
            kernel: c.session && c.session.kernel ? c.session.kernel.status : null,
            idleInBar: bar.includes('| Idle')};
  },
  idle() {
    const s = this.status();
    return s.display === 'idle' && s.kernel === 'idle' && s.idleInBar;
  },
  cells() {
    return this.panel().content.widgets.map((cell, i) => {
      const m = cell.model;
      cell.node.setAttribute('data-bp-cell', String(i));
      const outs = m.type === 'code' ? m.outputs.toJSON() : [];
      return {index: i, type: m.type, source: m.sharedModel.getSource(),
              count: m.type === 'code' ? m.executionCount : null,
              outputs: outs.map(o => ({type: o.output_type, ename: o.ename || null, evalue: o.evalue || null,
                                       mimes: o.data ? Object.keys(o.data) : [], name: o.name || null}))};
    });
  },
  allNumbered() {
    return this.panel().content.widgets.every(c => c.model.type !== 'code' || c.model.executionCount !== null);
  },
  start(command, args) {
    window.__bpResult = null;
    window.jupyterapp.commands.execute(command, args || {}).then(
      r => { window.__bpResult = {ok: r === undefined ? true : r}; },
      e => { window.__bpResult = {error: String(e && e.stack || e)}; });
  },
  domErrors() {
    // Rendered error outputs: stderr-typed outputs showing a traceback or an exception line.
    const found = [];
    this.panel().content.widgets.forEach((cell, i) => {
      cell.node.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        .forEach(el => found.push({index: i, text: el.innerText}));
    });
    return found;
  },
  widgetSignature(i) {
    // What a widget shows: the pictures and text of its Output areas (or of the whole view).
    const node = this.panel().content.widgets[i].node;
    const views = Array.from(node.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets'));
    return views.map(v => {
      const outs = v.querySelectorAll('.widget-output');
      const areas = outs.length ? Array.from(outs) : [v];
      return areas.map(a => Array.from(a.querySelectorAll('img')).map(img => img.src).join('|') + '\n'
                            + a.innerText).join('\n---\n');
    }).join('\n===\n');
  },
};
"""


# What the accessibility audit leaves out of what the course renders, and why: (axe rule, a mark in the
# element's HTML, the reason). Each is drawn by a library, not by the course.
AXE_EXCLUDED = [
    ("aria-input-field-name", "noUi-handle",
     "ipywidgets draws a slider's handle without an accessible name (its label is a separate element "
     "beside it); the course cannot name it"),
]


class Timeout(AssertionError):
    pass


class NotebookPage:
    """One notebook open in JupyterLab in a Playwright page."""

    def __init__(self, page, lab):
        self.page, self.lab = page, lab

    def js(self, expr, arg=None):
        return self.page.evaluate(f"(arg) => {{ if (!window.__bp) {{ {JS_LIB} }} return {expr}; }}", arg)

    def wait(self, predicate, timeout, what, arg=None):
        """Wait for a JS predicate (an expression over window.__bp and arg), bounded; report state on timeout."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        try:
            self.page.wait_for_function(
                f"(arg) => {{ if (!window.__bp) {{ {JS_LIB} }} try {{ return {predicate}; }} "
                f"catch (e) {{ return false; }} }}", arg=arg, timeout=timeout, polling=100)
        except PlaywrightTimeout:
            try:
                state = self.js("window.__bp.status()")
            except Exception as exc:  # noqa: BLE001 - the state is only for the message
                state = f"unavailable ({exc})"
            raise Timeout(f"timed out after {timeout / 1000:.0f} s waiting for {what}; kernel: {state}") from None

    def open(self, relpath):
        """Load the notebook and wait until its kernel has started and is idle. Returns seconds taken."""
        t0 = time.monotonic()
        self.page.goto(self.lab.tree_url(relpath), wait_until="domcontentloaded")
        self.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=IDLE_TIMEOUT)
        self.wait(f"window.__bp.panel().context.path === {relpath!r} && window.__bp.panel().context.isReady",
                  IDLE_TIMEOUT, f"{relpath} to open")
        self.wait_idle(IDLE_TIMEOUT, "the kernel to start and go idle")
        return time.monotonic() - t0

    def wait_idle(self, timeout=RUN_TIMEOUT, what="the kernel to go idle"):
        self.wait("window.__bp.idle()", timeout, what + ' (status bar "| Idle")')

    def command(self, command, timeout, what, args=None):
        """Execute a JupyterLab command and wait (bounded) for its promise to settle."""
        self.js("window.__bp.start(arg.command, arg.args)", {"command": command, "args": args})
        self.wait("window.__bpResult !== null", timeout, what)
        result = self.js("window.__bpResult")
        assert "error" not in result, f"{command} failed in the page: {result['error']}"
        return result["ok"]

    def run_all(self):
        """Run All, wait until every code cell is numbered and the kernel is idle. Returns seconds taken."""
        t0 = time.monotonic()
        self.command("notebook:run-all-cells", RUN_TIMEOUT, "Run All to finish")
        self.wait("window.__bp.allNumbered()", RUN_TIMEOUT,
                  "every code cell to get an execution count (an error stops the queued cells)")
        self.wait_idle()
        return time.monotonic() - t0

    def run_cells_one_by_one(self):
        """Run each code cell on its own (an error does not stop the next one). Returns seconds taken."""
        t0 = time.monotonic()
        for cell in self.cells():
            if cell["type"] != "code":
                continue
            self.js("(() => { const nb = window.__bp.panel().content; nb.activeCellIndex = arg; "
                    "nb.deselectAll(); return true; })()", cell["index"])
            self.command("notebook:run-cell", RUN_TIMEOUT, f"cell {cell['index']} to run")
            self.wait(f"window.__bp.panel().content.widgets[{cell['index']}].model.executionCount !== null",
                      RUN_TIMEOUT, f"cell {cell['index']} to get an execution count")
            self.wait_idle()
        return time.monotonic() - t0

    def cells(self):
        return self.js("window.__bp.cells()")

    def errors(self):
        """Errors from the notebook model and the rendered page: [(cell index, description)]."""
        found = []
        for cell in self.cells():
            for out in cell["outputs"]:
                if out["type"] == "error":
                    found.append((cell["index"], f"{out['ename']}: {out['evalue']}"))
        for el in self.js("window.__bp.domErrors()"):
            if ERROR_TEXT.search(el["text"]):
                found.append((el["index"], "rendered: " + el["text"][-600:]))
        return found

    def cell(self, index):
        return self.page.locator(f'[data-bp-cell="{index}"]')

    def overflowing(self):
        """Outputs and widget parts wider than the room they have: [(cell index, what, scroll width, client width)].

        An element whose content is wider than its box is cut off or scrolls sideways at this window
        width (a slider's value pushed out of view, a picture wider than the notebook).
        """
        self.cells()  # tags every cell with data-bp-cell
        return self.js("""(() => {
          const found = [];
          for (const cell of document.querySelectorAll('[data-bp-cell]')) {
            const parts = cell.querySelectorAll(
              '.jp-OutputArea-output, .jupyter-widgets, .widget-hbox, .widget-vbox, .widget-slider, .widget-readout, ' +
              '.widget-toggle-button, .widget-label, .jp-RenderedImage img');
            for (const el of parts) {
              if (el.offsetParent === null) continue;
              const area = cell.querySelector('.jp-OutputArea') || cell;
              const tooWide = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible';
              const sticksOut = el.getBoundingClientRect().right > area.getBoundingClientRect().right + 1;
              if (tooWide || sticksOut) {
                found.push([Number(cell.dataset.bpCell), el.className || el.tagName,
                            Math.round(el.scrollWidth), Math.round(el.clientWidth)]);
              }
            }
          }
          return found;
        })()""")

    def wrapped_lines(self):
        """Printed lines too long for the output area, which the browser wraps (often mid-number):
        [(cell index, the line)]. Tracebacks are left out (they are long by nature)."""
        self.cells()
        return self.js("""(() => {
          const found = [];
          for (const pre of document.querySelectorAll('[data-bp-cell] .jp-RenderedText[data-mime-type="application/vnd.jupyter.stdout"] pre')) {
            if (pre.offsetParent === null) continue;
            const cell = Number(pre.closest('[data-bp-cell]').dataset.bpCell);
            const probe = document.createElement('span');
            probe.style.whiteSpace = 'pre';
            pre.appendChild(probe);
            for (const line of pre.textContent.split('\\n')) {
              probe.textContent = line;
              if (probe.getBoundingClientRect().width > pre.clientWidth + 1) found.push([cell, line]);
            }
            probe.remove();
          }
          return found;
        })()""")

    def cut_code_lines(self):
        """Code lines wider than their cell's editor, which JupyterLab cuts off (the rest scrolls sideways):
        [(cell index, the line)]."""
        self.cells()
        return self.js("""(() => {
          const found = [];
          for (const scroller of document.querySelectorAll('[data-bp-cell] .jp-InputArea .cm-scroller')) {
            if (scroller.offsetParent === null || scroller.scrollWidth <= scroller.clientWidth + 1) continue;
            const cell = Number(scroller.closest('[data-bp-cell]').dataset.bpCell);
            const lines = [...scroller.querySelectorAll('.cm-line')].map(l => l.textContent);
            found.push([cell, lines.reduce((a, b) => (b.length > a.length ? b : a), '')]);
          }
          return found;
        })()""")

    def accessibility_findings(self, impacts=("serious", "critical")):
        """axe-core's findings (WCAG 2 A and AA) of these impacts in what the course renders: every cell's
        rendered markdown and outputs (pictures, printed text, widgets). JupyterLab's own chrome (menus,
        toolbars, the editor, the side panels) is left out: the course does not draw it.

        Returns [(rule id, impact, help, [html of up to 3 offending elements])]."""
        from axe_playwright_python.sync_playwright import Axe
        self.cells()
        context = {"include": [["[data-bp-cell] .jp-OutputArea"], ["[data-bp-cell] .jp-MarkdownOutput"]]}
        options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                   "resultTypes": ["violations"]}
        results = Axe().run(self.page, context=context, options=options).response
        found = []
        for v in results["violations"]:
            nodes = [n["html"] for n in v["nodes"]
                     if not any(v["id"] == rule and mark in n["html"] for rule, mark, _ in AXE_EXCLUDED)]
            if v["impact"] in impacts and nodes:
                found.append((v["id"], v["impact"], v["help"], [html[:160] for html in nodes[:3]]))
        return found

    # --- widgets ------------------------------------------------------------------------------------

    def widget_cells(self):
        return [c for c in self.cells() if c["type"] == "code" and WIDGET_CALL.search(c["source"])]

    def check_widget_rendered(self, index):
        """The cell shows a live widget view (not 'Loading widget...', not a text repr) with something in it."""
        cell = self.cell(index)
        view = cell.locator(".jp-OutputArea-output > .jupyter-widgets").first
        try:
            view.wait_for(state="attached", timeout=WIDGET_TIMEOUT)
        except Exception:  # noqa: BLE001 - replaced by a clear message
            raise AssertionError(f"cell {index}: no widget view rendered; the output shows:\n"
                                 f"{cell.locator('.jp-Cell-outputArea').inner_text()[:800]}") from None
        self.wait(f"window.__bp.widgetSignature({index}).replace(/\\s/g, '').length > 0", WIDGET_TIMEOUT,
                  f"cell {index}'s widget to draw something")
        text = cell.locator(".jp-Cell-outputArea").inner_text()
        for bad in ("Loading widget", "Error displaying widget", "Model not found"):
            assert bad not in text, f"cell {index}: widget shows {bad!r}:\n{text[:800]}"

    def signature(self, index):
        return self.js(f"window.__bp.widgetSignature({index})")

    def controls(self, index):
        """(kind, locator) for every control in the cell's widget views."""
        cell = self.cell(index)
        found = []
        for kind, selector in [("slider", ".widget-slider"), ("toggle-buttons", ".widget-toggle-buttons"),
                               ("dropdown", ".widget-dropdown select"), ("checkbox", ".widget-checkbox input"),
                               ("radio", ".widget-radio-box")]:
            loc = cell.locator(f".jp-OutputArea-output > .jupyter-widgets {selector}")
            found += [(kind, loc.nth(i)) for i in range(loc.count())]
        return found

    def move(self, kind, control):
        """Change one control's value the way a student would; returns a description."""
        if kind == "slider":
            handle = control.locator(".noUi-handle").first
            now, high = (float(handle.get_attribute(a)) for a in ("aria-valuenow", "aria-valuemax"))
            key = "ArrowLeft" if now >= high else "ArrowRight"
            handle.focus()
            handle.press(key)
            label = control.locator(".widget-label").first.inner_text()
            return f"slider {label!r} {key} from {now}"
        if kind == "toggle-buttons":
            button = control.locator("button.widget-toggle-button:not(.mod-active)").first
            label = button.inner_text()
            target = control.locator("button.widget-toggle-button", has_text=label).first
            target.click()
            target.locator("xpath=self::*[contains(@class, 'mod-active')]").wait_for(timeout=WIDGET_TIMEOUT)
            return f"toggle button {label!r}"
        if kind == "dropdown":
            current = control.input_value()
            values = [o.get_attribute("value") for o in control.locator("option").all()]
            other = next(v for v in values if v != current)
            control.select_option(other)
            return f"dropdown {current!r} -> {other!r}"
        if kind == "checkbox":
            control.click()
            return "checkbox"
        if kind == "radio":
            radio = control.locator("input:not(:checked)").first
            radio.click()
            return "radio button"
        raise ValueError(kind)

    def check_control_redraws(self, index, kind, control):
        """Move the control; the widget's picture or numbers must change, and show no error."""
        before = self.signature(index)
        what = self.move(kind, control)
        self.wait(f"window.__bp.widgetSignature({index}) !== arg", WIDGET_TIMEOUT,
                  f"cell {index}'s widget to redraw after {what}", arg=before)
        self.wait_idle(WIDGET_TIMEOUT, f"the kernel to go idle after {what}")
        self.wait_stable(index)
        text = self.cell(index).locator(".jp-Cell-outputArea").inner_text()
        assert not ERROR_TEXT.search(text), f"cell {index}: the widget shows an error after {what}:\n{text[-1500:]}"
        return what

    def wait_stable(self, index, quiet=300, timeout=60_000):
        """Wait until the cell's output has not changed for `quiet` ms (a MutationObserver in the page)."""
        settled = self.page.evaluate("""([index, quiet, timeout]) => new Promise(done => {
            const node = document.querySelector(`[data-bp-cell="${index}"] .jp-Cell-outputArea`);
            if (!node) { done(true); return; }
            let timer = setTimeout(() => { observer.disconnect(); done(true); }, quiet);
            const observer = new MutationObserver(() => {
                clearTimeout(timer);
                timer = setTimeout(() => { observer.disconnect(); done(true); }, quiet);
            });
            observer.observe(node, {subtree: true, childList: true, attributes: true, characterData: true});
            setTimeout(() => { observer.disconnect(); done(false); }, timeout);
        })""", [index, quiet, timeout])
        if not settled:
            raise Timeout(f"cell {index}'s widget kept changing for {timeout / 1000:.0f} s")

    # --- pictures -----------------------------------------------------------------------------------

    def screenshot_notebook(self, path, max_height=20_000):
        """A screenshot of the whole notebook: grow the viewport to the notebook's full height first."""
        scroll_top = ("(() => { const n = window.__bp.panel().content.node; "
                      "const outer = n.querySelector('.jp-WindowedPanel-outer') || n; "
                      "outer.scrollTop = 0; n.scrollTop = 0; "
                      "return Math.ceil(outer.getBoundingClientRect().top + outer.scrollHeight + 30); })()")
        height = self.js(scroll_top)
        width = self.page.viewport_size["width"]
        self.page.set_viewport_size({"width": width, "height": max(900, min(int(height), max_height))})
        self.painted()  # the layout after the resize
        self.js(scroll_top)
        self.page.wait_for_function("() => [...document.images].every(img => img.complete)", timeout=WIDGET_TIMEOUT)
        self.painted()
        self.page.screenshot(path=str(path), timeout=60_000)

    def painted(self):
        """Wait for two animation frames: everything laid out before now has been painted."""
        self.page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
