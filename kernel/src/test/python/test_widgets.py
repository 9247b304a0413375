"""Widgets over the real kernel, driven by jupyter_client as the classic notebook's widget manager
drives it (protocol version 1) and as JupyterLab's ipywidgets-8 manager drives it (protocol version 2,
whose models are then rendered by ipywidgets 8's own JavaScript in headless Chromium), and a notebook with
widgets executed by nbclient, which has none."""

import json
import sys
import tempfile
import time
import unittest
import uuid
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient

START_TIMEOUT = 60
REPLY_TIMEOUT = 60
VIEW_MIME = "application/vnd.jupyter.widget-view+json"


class KernelCase(unittest.TestCase):
    """A kernel of its own for the class, and what a browser's widget manager sends it."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="ddlab", startup_timeout=START_TIMEOUT)
        cls.kc.execute_interactive("1", timeout=REPLY_TIMEOUT)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    @classmethod
    def send_shell(cls, msg_type, content):
        msg = cls.kc.session.msg(msg_type, content)
        cls.kc.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    @classmethod
    def until_idle(cls, parent_id):
        """The iopub messages of one request, up to its idle status."""
        got = []
        while True:
            m = cls.kc.get_iopub_msg(timeout=REPLY_TIMEOUT)
            if m["parent_header"].get("msg_id") != parent_id:
                continue
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return got
            got.append(m)

    def run_cell(self, code):
        msgs = []
        reply = self.kc.execute_interactive(code, timeout=REPLY_TIMEOUT, output_hook=msgs.append)
        self.assertEqual(reply["content"]["status"], "ok", msgs)
        return msgs, reply["parent_header"]["msg_id"]

    @staticmethod
    def opens(msgs):
        return {m["content"]["comm_id"]: m["content"]["data"] for m in msgs if m["msg_type"] == "comm_open"}

    @classmethod
    def model_id(cls, msgs, model_name):
        """The comm id of the one model of that name the messages open."""
        return next(cid for cid, d in cls.opens(msgs).items() if d["_model_name"] == model_name)

    @staticmethod
    def updates(msgs, comm_id):
        return [m["content"]["data"]["state"] for m in msgs
                if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id
                and m["content"]["data"].get("method") == "update"]

    def text_of(self, cell):
        msgs, _ = self.run_cell(cell)
        results = [m for m in msgs if m["msg_type"] == "execute_result"]
        self.assertEqual(len(results), 1, msgs)
        return results[0]["content"]["data"]["text/plain"]


class WidgetProtocolTests(KernelCase):
    """The classic notebook's extension (protocol version 1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_handshake()

    @classmethod
    def manager_handshake(cls):
        """The jupyter.widget.version check the version-1 extension makes when it connects."""
        comm_id = uuid.uuid4().hex
        parent = cls.send_shell("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.version", "data": {}})
        msgs = cls.until_idle(parent)
        versions = [m for m in msgs if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id]
        assert versions, "no version message on jupyter.widget.version: %r" % msgs
        cls.expected_version = versions[0]["content"]["data"]["version"]
        cls.until_idle(cls.send_shell("comm_msg", {
            "comm_id": comm_id, "data": {"validated": True, "frontend_version": "2.1.4"}}))

    def browser_sets(self, comm_id, state):
        """The student moves a control: version 1's backbone sync; returns the request's iopub messages and its id."""
        parent = self.send_shell("comm_msg", {"comm_id": comm_id, "data": {"method": "backbone", "sync_data": state}})
        return self.until_idle(parent), parent

    # --- the tests ----------------------------------------------------------------------------

    def test_version_check_names_jupyter_js_widgets_2_1(self):
        self.assertEqual(self.expected_version, "~2.1.4")

    def test_slider_moved_in_browser_runs_callback_into_output_area(self):
        msgs, cell_id = self.run_cell(
            'var slider = new IntSlider("n", 0, 10, 3);\n'
            'var out = new Output();\n'
            'var seen = new ArrayList<Integer>();\n'
            'slider.onChange(v -> { seen.add(v); out.replace(() -> System.out.println("value is " + v)); });\n'
            'var box = Box.vertical(slider, out);\n'
            'display(box);')
        opened = self.opens(msgs)
        by_model = {d["_model_name"]: (cid, d) for cid, d in opened.items()}
        self.assertEqual(set(by_model), {"IntSliderModel", "OutputModel", "VBoxModel"})
        slider_id, slider_state = by_model["IntSliderModel"]
        out_id, _ = by_model["OutputModel"]
        box_id, box_state = by_model["VBoxModel"]
        self.assertEqual(slider_state["value"], 3)
        self.assertEqual(slider_state["_model_module"], "jupyter-js-widgets")
        self.assertEqual(slider_state["_model_module_version"], "~2.1.4")
        self.assertEqual(box_state["children"], ["IPY_MODEL_" + slider_id, "IPY_MODEL_" + out_id])
        # The classic notebook shows the box on its display message, in the cell that sent it.
        displays = [m for m in msgs if m["msg_type"] == "comm_msg" and m["content"]["data"].get("method") == "display"]
        self.assertEqual([m["content"]["comm_id"] for m in displays], [box_id])
        self.assertEqual(displays[0]["parent_header"]["msg_id"], cell_id)
        views = [m for m in msgs if m["msg_type"] == "display_data"]
        self.assertEqual(len(views), 1)
        self.assertEqual(views[0]["content"]["data"][VIEW_MIME]["model_id"], box_id)

        msgs, request = self.browser_sets(slider_id, {"value": 7})
        kinds = [(m["msg_type"], m["content"].get("comm_id")) for m in msgs]
        # The output area takes this request's output: msg_id set, cleared, the text, msg_id reset, in that order.
        routed = self.updates(msgs, out_id)
        self.assertEqual(routed, [{"msg_id": request}, {"msg_id": ""}], kinds)
        first_update = kinds.index(("comm_msg", out_id))
        clear = kinds.index(("clear_output", None))
        stream = kinds.index(("stream", None))
        last_update = len(kinds) - 1 - kinds[::-1].index(("comm_msg", out_id))
        self.assertTrue(first_update < clear < stream < last_update, kinds)
        self.assertTrue(msgs[clear]["content"]["wait"])
        self.assertEqual(msgs[stream]["content"]["text"], "value is 7\n")
        self.assertEqual(self.updates(msgs, slider_id), [], "the browser's own value is not echoed")

        self.assertEqual(self.text_of("slider.value() + \" \" + seen"), "7 [7]")

        # Java to browser: the slider moves, the callback runs inside the cell, its output goes to the area.
        msgs, cell_id = self.run_cell("slider.value(9);")
        self.assertEqual(self.updates(msgs, slider_id), [{"value": 9}])
        self.assertEqual(self.updates(msgs, out_id), [{"msg_id": cell_id}, {"msg_id": ""}])
        self.assertIn("value is 9\n", [m["content"]["text"] for m in msgs if m["msg_type"] == "stream"])

        # Out of range from the browser: clamped in Java and the clamped value sent back.
        msgs, _ = self.browser_sets(slider_id, {"value": 50})
        self.assertEqual(self.updates(msgs, slider_id), [{"value": 10}])
        self.assertEqual(self.text_of("seen.toString()"), "[7, 9, 10]")

    def test_button_click_dropdown_and_request_state(self):
        msgs, _ = self.run_cell(
            'var clicks = new int[1];\n'
            'var go = new Button("go").onClick(() -> clicks[0]++);\n'
            'var method = new Dropdown("method", List.of("dc", "dm", "frepo"));\n'
            'display(Box.horizontal(go, method));')
        by_model = {d["_model_name"]: cid for cid, d in self.opens(msgs).items()}
        go_id, method_id = by_model["ButtonModel"], by_model["DropdownModel"]

        for _ in range(2):
            self.until_idle(self.send_shell("comm_msg", {
                "comm_id": go_id, "data": {"method": "custom", "content": {"event": "click"}}}))
        self.assertEqual(self.text_of("clicks[0]"), "2")

        self.browser_sets(method_id, {"value": "frepo"})
        self.assertEqual(self.text_of("method.value() + \" \" + method.index()"), "frepo 2")

        parent = self.send_shell("comm_msg", {"comm_id": method_id, "data": {"method": "request_state"}})
        state = self.updates(self.until_idle(parent), method_id)
        self.assertEqual(len(state), 1)
        self.assertEqual(state[0]["value"], "frepo")
        self.assertEqual(state[0]["_options_labels"], ["dc", "dm", "frepo"])

    def test_callback_error_shows_and_kernel_goes_on(self):
        msgs, _ = self.run_cell(
            'var bad = new IntSlider("bad", 0, 10, 0);\n'
            'bad.onChange(v -> { throw new IllegalStateException("listener says no"); });\n'
            'display(bad);')
        bad_id = self.model_id(msgs, "IntSliderModel")
        msgs, _ = self.browser_sets(bad_id, {"value": 4})
        errors = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream")
        self.assertIn("listener says no", errors)
        self.assertEqual(self.text_of("bad.value() + 1"), "5")
        # An Error (not an Exception) in a listener: the kernel's shell loop must survive it too.
        msgs, _ = self.run_cell(
            'var worse = new IntSlider("worse", 0, 10, 0);\n'
            'worse.onChange(v -> { throw new StackOverflowError("listener overflows"); });\n'
            'display(worse);')
        worse_id = self.model_id(msgs, "IntSliderModel")
        msgs, _ = self.browser_sets(worse_id, {"value": 2})
        self.assertIn("listener overflows", "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream"))
        self.assertEqual(self.text_of("worse.value() * 10"), "20")

    def test_interrupt_stops_a_long_listener_and_the_kernel_goes_on(self):
        msgs, _ = self.run_cell(
            'var slow = new IntSlider("slow", 0, 10, 0);\n'
            'var slowRuns = new int[1];\n'
            'slow.onChange(v -> { slowRuns[0]++; if (v == 1) { while (true) { } } else if (v == 2) {'
            ' try { Thread.sleep(600_000); } catch (InterruptedException e) { System.out.println("woken"); } } });\n'
            'display(slow);')
        slow_id = self.model_id(msgs, "IntSliderModel")
        for value, said in ((1, "the widget's listener was stopped"), (2, "woken")):
            # The browser moves the slider; the listener runs (a loop, then a sleep) until the interrupt button.
            parent = self.send_shell("comm_msg", {"comm_id": slow_id, "data": {"method": "backbone", "sync_data": {"value": value}}})
            time.sleep(1.0)
            self.km.interrupt_kernel()  # interrupt_mode "message": an interrupt_request on the control channel
            started = time.monotonic()
            msgs = self.until_idle(parent)
            self.assertLess(time.monotonic() - started, 10, "the listener was not stopped")
            text = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream")
            self.assertIn(said, text)
        # The kernel keeps its state and runs cells and listeners again.
        self.assertEqual(self.text_of("slowRuns[0] + \" \" + slow.value()"), "2 2")
        self.browser_sets(slow_id, {"value": 3})
        self.assertEqual(self.text_of("slowRuns[0]"), "3")


ROOT = Path(__file__).resolve().parents[4]
# ipywidgets 8's models and views for web pages (@jupyter-widgets/html-manager), fetched by environment/setup.
EMBED_JS = next(iter(sorted((ROOT / "environment" / ".state").glob("html-manager-*/embed.js"))), None)
STATE_MIME = "application/vnd.jupyter.widget-state+json"


class WidgetProtocol2Tests(KernelCase):
    """JupyterLab's widget manager (ipywidgets 8, protocol 2.1): it opens the control comm when it connects,
    takes models from comm_open's state with the protocol version in the metadata, syncs with update, and
    fetches every model's state on the control comm when it opens a notebook."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.control_id = uuid.uuid4().hex
        cls.until_idle(cls.send_shell(
            "comm_open", {"comm_id": cls.control_id, "target_name": "jupyter.widget.control", "data": {}}))

    def lab_sets(self, comm_id, state):
        """The student changes a control in JupyterLab: version 2's update."""
        parent = self.send_shell("comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": state, "buffer_paths": []}})
        return self.until_idle(parent), parent

    def test_models_sync_and_render_in_ipywidgets_8(self):
        msgs, cell_id = self.run_cell(
            'var n = new IntSlider("n", 0, 10, 3);\n'
            'var method = new Dropdown("method", List.of("dc", "dm", "frepo"));\n'
            'var augment = new Checkbox("augment", true);\n'
            'var out = new Output();\n'
            'var seen = new ArrayList<String>();\n'
            'n.onChange(v -> { seen.add("n=" + v); out.replace(() -> System.out.println("n is " + v)); });\n'
            'method.onChange(m -> seen.add(m));\n'
            'var box = Box.vertical(Box.horizontal(n, method, augment), new Button("go"), out);\n'
            'display(box);')
        opens = [m for m in msgs if m["msg_type"] == "comm_open"]
        self.assertEqual({m["metadata"].get("version") for m in opens}, {"2.1.0"})
        models = {m["content"]["comm_id"]: m["content"]["data"]["state"] for m in opens}
        by_name = {st["_model_name"]: cid for cid, st in models.items()}
        self.assertEqual(set(by_name), {"IntSliderModel", "DropdownModel", "CheckboxModel", "ButtonModel",
                                        "OutputModel", "HBoxModel", "VBoxModel"})
        for st in models.values():
            module = "@jupyter-widgets/output" if st["_model_name"] == "OutputModel" else "@jupyter-widgets/controls"
            self.assertEqual((st["_model_module"], st["_view_module"]), (module, module))
        self.assertEqual(models[by_name["DropdownModel"]]["index"], 0)
        self.assertFalse([m for m in msgs if m["msg_type"] == "comm_msg"], "no display message in version 2")
        views = [m["content"]["data"][VIEW_MIME] for m in msgs if m["msg_type"] == "display_data"]
        box_id = by_name["VBoxModel"]
        self.assertEqual(views, [{"model_id": box_id, "version_major": 2, "version_minor": 0}])

        # The student moves the slider and picks by position; the kernel's listeners run, the output area takes the text.
        slider_id, dropdown_id, out_id = by_name["IntSliderModel"], by_name["DropdownModel"], by_name["OutputModel"]
        msgs, request = self.lab_sets(slider_id, {"value": 7})
        self.assertEqual(self.updates(msgs, out_id), [{"msg_id": request}, {"msg_id": ""}])
        self.assertIn("n is 7\n", [m["content"]["text"] for m in msgs if m["msg_type"] == "stream"])
        self.assertEqual(self.updates(msgs, slider_id), [], "the browser's own value is not echoed")
        self.lab_sets(dropdown_id, {"index": 2})
        self.assertEqual(self.text_of('method.value() + " " + seen'), "frepo [n=7, frepo]")
        msgs, _ = self.run_cell('method.value("dm");')
        self.assertEqual(self.updates(msgs, dropdown_id), [{"index": 1}])

        # JupyterLab opening the notebook again: every model's state on the control comm.
        parent = self.send_shell("comm_msg", {"comm_id": self.control_id, "data": {"method": "request_states"}})
        replies = [m for m in self.until_idle(parent)
                   if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == self.control_id]
        self.assertEqual(len(replies), 1)
        data = replies[0]["content"]["data"]
        self.assertEqual(data["method"], "update_states")
        states = data["states"]
        self.assertTrue(set(models) <= set(states), "every model of the cell is in update_states")
        self.assertEqual(states[slider_id]["state"]["value"], 7)
        self.assertEqual(states[dropdown_id]["state"]["index"], 1)

        # What JupyterLab would draw from that state: ipywidgets 8's own models and views, in Chromium.
        self.render_in_ipywidgets_8(states, box_id)

    def render_in_ipywidgets_8(self, states, view_id):
        self.assertIsNotNone(EMBED_JS, "no html-manager embed.js under environment/.state; run environment/setup")
        sys.path.insert(0, str(ROOT / "environment"))
        from chromium import headless_chromium, wait_for
        page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<script type="{STATE_MIME}">{json.dumps({"version_major": 2, "version_minor": 0, "state": states})}</script>
<div id="cell"><script type="{VIEW_MIME}">{json.dumps({"version_major": 2, "version_minor": 0, "model_id": view_id})}</script></div>
<script src="{EMBED_JS.as_uri()}"></script>
</body></html>"""
        with tempfile.TemporaryDirectory() as tmp:
            html = Path(tmp) / "widgets.html"
            html.write_text(page, encoding="utf-8")
            with headless_chromium(width=1000, height=800) as driver:
                driver.get(html.as_uri())
                drawn = wait_for(lambda: driver.execute_script("""
                    const q = s => document.querySelector('#cell ' + s);
                    const readout = q('.widget-slider .widget-readout');
                    const select = q('.widget-dropdown select');
                    const box = q('.widget-checkbox input[type=checkbox]');
                    const button = q('button.jupyter-button');
                    if (!readout || !select || !box || !button || !q('.widget-vbox') || !q('.widget-output')) return null;
                    return [readout.innerText || readout.value || readout.textContent, select.value,
                            select.options[select.selectedIndex].text, box.checked, button.innerText.trim()];
                """), 60, "ipywidgets 8 to draw the kernel's widgets")
                self.assertEqual(drawn, ["7", "dm", "dm", True, "go"])


class WidgetsUnderNbclientTest(unittest.TestCase):
    """nbconvert's executor has no widget manager: the notebook runs through, controls at their defaults."""

    def test_notebook_with_widgets_runs_top_to_bottom(self):
        nb = nbformat.v4.new_notebook()
        nb.cells = [
            nbformat.v4.new_code_cell(
                'var lr = new FloatSlider("lr", 0.0, 1.0, 0.3);\n'
                'var out = new Output();\n'
                'lr.onChange(v -> out.replace(() -> System.out.println("lr " + v)));\n'
                'display(Box.vertical(lr, out, new Checkbox("augment", true), new Button("go")));'),
            nbformat.v4.new_code_cell('out.replace(() -> System.out.println("default lr " + lr.value()));'),
            nbformat.v4.new_code_cell('new IntSlider("n", 0, 5, 2)'),
        ]
        NotebookClient(nb, kernel_name="ddlab", timeout=REPLY_TIMEOUT, startup_timeout=START_TIMEOUT).execute()
        first, second, third = nb.cells
        self.assertTrue(any(VIEW_MIME in o.get("data", {}) for o in first.outputs), first.outputs)
        self.assertEqual([o.get("text") for o in second.outputs if o.output_type == "stream"], ["default lr 0.3\n"])
        self.assertTrue(any(VIEW_MIME in o.get("data", {}) for o in third.outputs), third.outputs)
        self.assertFalse([o for c in nb.cells for o in c.outputs if o.output_type == "error"])


if __name__ == "__main__":
    unittest.main()
