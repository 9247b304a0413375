"""Jupyter protocol tests of the ddlab kernel (jupyter_kernel_test), plus interrupt, display
updates, errors and kernel_info status.

Run with a JUPYTER_PATH that holds the "ddlab" kernelspec, using Debian's python3:
    JUPYTER_PATH=/tmp/jp /usr/bin/python3 -m unittest -v kernel/src/test/python/test_ddlab_kernel.py
KernelProtocolIT does this during `mvn verify`.
"""

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

    def test_magic_time(self):
        content, msgs = self.run_cell("%time 2 + 2")
        self.assertEqual(content["status"], "ok")
        out = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream")
        self.assertIn("Wall time", out)


if __name__ == "__main__":
    unittest.main()
