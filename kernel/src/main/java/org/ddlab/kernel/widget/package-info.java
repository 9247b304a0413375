/**
 * Controls a student moves in a notebook, kept in sync with Java over Jupyter's comm messages.
 *
 * <pre>{@code
 * var steps = new IntSlider("steps", 10, 500, 100);
 * var method = new Dropdown("method", List.of("dm", "frepo"));
 * var out = new Output();
 * steps.onChange(n -> out.replace(() -> display(lossCurve(method.value(), n))));
 * display(Box.vertical(Box.horizontal(steps, method), out));
 * }</pre>
 *
 * <p>A listener runs on the kernel when the browser changes the value, between cells, as part of
 * the comm message that carried the change; what it prints or displays inside
 * {@link org.ddlab.kernel.widget.Output#replace} replaces the output area's content. Setting a value
 * in Java moves the control in the browser and runs the listeners too. Which protocol and frontend
 * version the messages follow is said once, in {@link org.ddlab.kernel.widget.WidgetProtocol}.
 * Without a widget manager (nbconvert) a notebook still runs: the controls keep their defaults and
 * an output area's text stays in its cell.
 */
package org.ddlab.kernel.widget;
