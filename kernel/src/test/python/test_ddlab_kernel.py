"""Jupyter protocol tests of the ddlab kernel (jupyter_kernel_test), plus interrupt, display
updates, errors, kernel_info status, the order of a cell's output and how fast a request is taken.

Run with a JUPYTER_PATH that holds the "ddlab" kernelspec, using Debian's python3:
    JUPYTER_PATH=/tmp/jp /usr/bin/python3 -m unittest -v kernel/src/test/python/test_ddlab_kernel.py
KernelProtocolIT does this during `mvn verify`.
"""

import statistics
import time
import unittest
from queue import Empty

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel

# The JVM starts in about a second, but a loaded CI machine (or DJL unpacking natives) can be slow.
START_TIMEOUT = 60
REPLY_TIMEOUT = 60


class DdlabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "ddlab"
    language_name = "java"
    file_extension = ".jshell"

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name=cls.kernel_name, startup_timeout=START_TIMEOUT)
        # The first cell waits for JShell's start; do it here so the suite's 15 s limits hold.
        cls.kc.execute_interactive("1", timeout=REPLY_TIMEOUT)

    code_hello_world = 'System.out.print("hello, world")'
    code_stderr = 'System.err.print("some error")'

    completion_samples = [
        {"text": "\"hi\".toUpperC", "matches": {"toUpperCase("}},
        {"text": "Math.ma", "matches": {"max("}},
    ]

    complete_code_samples = ["1 + 1", "int x = 1;", "for (int i = 0; i < 2; i++) { }", "%time 1 + 1"]
    incomplete_code_samples = ["for (int i = 0; i < 2; i++) {", "int y =", "String s = \"a\" +"]
    invalid_code_samples = ["}", "for (;;) ) {"]

    code_generate_error = "throw new IllegalStateException(\"boom\");"

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "\"ab\" + \"cd\"", "result": "abcd"},
        {"code": "int a = 2;\nint b = 3;\na * b", "result": "6"},
        {"code": "List.of(1, 2)", "result": "[1, 2]"},
    ]

    code_display_data = [
        {"code": "display(new java.awt.image.BufferedImage(8, 6, java.awt.image.BufferedImage.TYPE_INT_RGB));",
         "mime": "image/png"},
        {"code": "display(\"shown as text\");", "mime": "text/plain"},
    ]

    code_history_pattern = "6 * ?"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    # --- beyond jupyter_kernel_test ---------------------------------------------------------

    def run_cell(self, code, timeout=REPLY_TIMEOUT):
        """Executes code; returns the execute_reply content and the iopub messages of it."""
        msgs = []
        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=msgs.append)
        return reply["content"], msgs

    def test_inspect_shows_ddlab_javadoc(self):
        """Shift-Tab on a ddlab type answers with its Javadoc, not only its name (the kernelspec opens jdk.jshell)."""
        self.flush_channels()
        code = "FrepoConfig"
        msg_id = self.kc.inspect(code, len(code))
        reply = self.kc.get_shell_msg(timeout=REPLY_TIMEOUT)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        content = reply["content"]
        self.assertEqual(content["status"], "ok")
        self.assertTrue(content["found"])
        text = content["data"]["text/plain"]
        self.assertIn("org.ddlab.frepo.FrepoConfig", text)
        self.assertIn("@param ridge", text)

    def test_kernel_info_status_ok(self):
        self.flush_channels()
        reply = self.kc.kernel_info(reply=True, timeout=REPLY_TIMEOUT)
        content = reply["content"]
        self.assertEqual(content["status"], "ok")
        self.assertEqual(content["implementation"], "ddlab")
        self.assertEqual(content["language_info"]["mimetype"], "text/x-java-source")
        self.assertTrue(content["help_links"])
        self.assertTrue(content["banner"])

    def test_interrupt_running_loop(self):
        self.flush_channels()
        msg_id = self.kc.execute("while (true) { }")
        time.sleep(1.5)
        started = time.time()
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=REPLY_TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=REPLY_TIMEOUT)
        self.assertLess(time.time() - started, 10)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("Interrupt", reply["content"]["ename"])
        content, msgs = self.run_cell("1+1")
        self.assertEqual(content["status"], "ok")
        results = [m for m in msgs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "2")

    def test_requests_answered_without_polling_delay(self):
        # The kernel takes a request as it arrives. A request loop that sleeps 50 ms between polls of its
        # socket (jjava's own) puts about 50 ms between execute_request and the busy status of back-to-back
        # cells; here it is the time to read the request and publish busy. What follows busy is JShell
        # compiling the cell, whose speed depends on the machine, so the round trip is printed, not bounded.
        for _ in range(10):
            self.run_cell("1+1")
        self.flush_channels()
        to_busy, round_trip = [], []
        for _ in range(50):
            start = time.perf_counter()
            msg_id = self.kc.execute("1+1")
            busy = None
            while True:
                msg = self.kc.get_iopub_msg(timeout=REPLY_TIMEOUT)
                if msg["parent_header"].get("msg_id") != msg_id or msg["msg_type"] != "status":
                    continue
                if msg["content"]["execution_state"] == "busy":
                    busy = time.perf_counter() - start
                elif msg["content"]["execution_state"] == "idle":
                    break
            reply = self.kc.get_shell_msg(timeout=REPLY_TIMEOUT)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = self.kc.get_shell_msg(timeout=REPLY_TIMEOUT)
            self.assertEqual(reply["content"]["status"], "ok")
            round_trip.append(time.perf_counter() - start)
            to_busy.append(busy)
        busy_ms = statistics.median(to_busy) * 1000
        print(f"1+1 x50: execute_request -> busy {busy_ms:.1f} ms, "
              f"round trip {statistics.median(round_trip) * 1000:.1f} ms (medians)")
        self.assertLess(busy_ms, 25)

    def test_stdout_and_stderr_arrive_in_order(self):
        content, msgs = self.run_cell(
            'for (int i = 0; i < 5; i++) { System.out.println("out " + i); System.err.println("err " + i); }\n'
            'System.out.print("no newline at the end");')
        self.assertEqual(content["status"], "ok")
        streams = [(m["content"]["name"], m["content"]["text"]) for m in msgs if m["msg_type"] == "stream"]
        expected = []
        for i in range(5):
            expected += [("stdout", f"out {i}\n"), ("stderr", f"err {i}\n")]
        # The unfinished last line is sent when the cell ends, before its reply and idle status.
        expected.append(("stdout", "no newline at the end"))
        self.assertEqual(streams, expected)

    def test_error_leaves_kernel_usable(self):
        content, msgs = self.run_cell("int boom() { return 1 / 0; }\nboom()")
        self.assertEqual(content["status"], "error")
        errors = [m for m in msgs if m["msg_type"] == "error"]
        self.assertTrue(errors)
        self.assertIn("ArithmeticException", errors[0]["content"]["evalue"])
        content, msgs = self.run_cell("3 + 4")
        self.assertEqual(content["status"], "ok")
        results = [m for m in msgs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "7")

    def test_compile_error_names_the_line(self):
        content, msgs = self.run_cell("int fine = 1;\nint broken = nope + 1;")
        self.assertEqual(content["status"], "error")
        errors = [m for m in msgs if m["msg_type"] == "error"]
        self.assertIn("line 2", errors[0]["content"]["evalue"])

    def test_update_display_data(self):
        content, msgs = self.run_cell(
            'String id = display("step 0");\n'
            'for (int i = 1; i <= 3; i++) { updateDisplay(id, "step " + i); }')
        self.assertEqual(content["status"], "ok")
        shown = [m for m in msgs if m["msg_type"] == "display_data"]
        updates = [m for m in msgs if m["msg_type"] == "update_display_data"]
        self.assertEqual(len(shown), 1)
        display_id = shown[0]["content"]["transient"]["display_id"]
        self.assertEqual(len(updates), 3)
        for u in updates:
            self.assertEqual(u["content"]["transient"]["display_id"], display_id)
        self.assertEqual(updates[-1]["content"]["data"]["text/plain"], "step 3")

    def test_clear_output(self):
        """clearOutput() clears the cell's output so far, printed text included, and leaves what follows."""
        content, msgs = self.run_cell('System.out.print("before"); display("shown");\nclearOutput();\n"after"')
        self.assertEqual(content["status"], "ok")
        kinds = [m["msg_type"] for m in msgs if m["msg_type"] in ("stream", "display_data", "clear_output", "execute_result")]
        self.assertEqual(kinds, ["stream", "display_data", "clear_output", "execute_result"])
        clear = next(m for m in msgs if m["msg_type"] == "clear_output")
        self.assertFalse(clear["content"]["wait"])

    def test_magic_time(self):
        content, msgs = self.run_cell("%time 2 + 2")
        self.assertEqual(content["status"], "ok")
        out = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream")
        self.assertIn("Wall time", out)


if __name__ == "__main__":
    unittest.main()
