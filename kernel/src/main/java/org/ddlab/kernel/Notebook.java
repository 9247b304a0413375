package org.ddlab.kernel;

import java.util.UUID;
import org.ddlab.kernel.render.Renderers;
import org.ddlab.kernel.widget.Widget;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;

/**
 * The notebook API, with IJava's signatures; every cell has {@code import static
 * org.ddlab.kernel.Notebook.*}. Outside a running kernel (plain Java, tests) rendering still works
 * and display prints the text form.
 */
public final class Notebook {

    private static final Renderer STANDALONE = Renderers.registerAll(new Renderer());

    private Notebook() {}

    private static BaseKernel kernel() {
        try {
            return BaseKernel.notebookKernel();
        } catch (NullPointerException e) {
            return null;
        }
    }

    private static Renderer renderer() {
        BaseKernel k = kernel();
        return k != null ? k.getRenderer() : STANDALONE;
    }

    /** The object's display bundle in its preferred formats; a widget's is a view of its model. */
    public static DisplayData render(Object o) {
        if (o instanceof Widget w) {
            return w.view();
        }
        return o instanceof DisplayData d ? d : renderer().render(o);
    }

    /** The object's display bundle in the given MIME types (plus text/plain). */
    public static DisplayData render(Object o, String... mimes) {
        return mimes.length == 0 ? render(o) : renderer().renderAs(o, mimes);
    }

    /** Shows the object now, below the cell; returns the display id for {@link #updateDisplay}. */
    public static String display(Object o) {
        // The classic notebook's version-1 extension shows a widget on the widget's own display message.
        return show(o instanceof Widget w ? w.shown() : render(o));
    }

    public static String display(Object o, String... mimes) {
        return show(render(o, mimes));
    }

    private static String show(DisplayData data) {
        String id =
                data.hasDisplayId() ? data.getDisplayId() : UUID.randomUUID().toString();
        // A copy: a DisplayData passed in by the user must not have its id changed under them.
        DisplayData copy = new DisplayData();
        copy.assign(data);
        copy.setDisplayId(id);
        BaseKernel k = kernel();
        if (k != null && k.getIO().display.isAttached()) {
            k.display(copy);
        } else {
            Object text = copy.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN);
            if (text != null) {
                System.out.println(text);
            }
        }
        return id;
    }

    /** Replaces what an earlier {@link #display} showed (a progress bar, a live chart). */
    public static void updateDisplay(String id, Object o) {
        update(id, render(o));
    }

    public static void updateDisplay(String id, Object o, String... mimes) {
        update(id, render(o, mimes));
    }

    private static void update(String id, DisplayData data) {
        DisplayData copy = new DisplayData();
        copy.assign(data);
        BaseKernel k = kernel();
        if (k != null && k.getIO().display.isAttached()) {
            k.getIO().display.updateDisplay(id, copy);
        }
    }

    /**
     * Empties the running cell's output area, as IPython's {@code clear_output()}: what the cell printed and displayed
     * so far goes, what it shows afterwards stays. A cell that moves controls to check them ends with it, since without
     * a widget manager (nbconvert, a rendered page) each move's drawing lands in that cell. Outside a kernel it does
     * nothing.
     */
    public static void clearOutput() {
        if (kernel() instanceof DdlabKernel dk && dk.getIO().display.isAttached()) {
            dk.clearOutput();
        }
    }

    /** Evaluates code as a cell would (magics included) and returns its value. */
    public static Object eval(String code) {
        BaseKernel k = kernel();
        if (!(k instanceof DdlabKernel dk)) {
            throw new IllegalStateException("eval needs the running ddlab kernel");
        }
        return dk.evaluator().evalCell(code, 1);
    }
}
