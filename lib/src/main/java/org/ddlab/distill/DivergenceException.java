package org.ddlab.distill;

/** A distillation step produced NaN or Inf; nothing of that step was kept. */
public final class DivergenceException extends RuntimeException {

    public DivergenceException(String message) {
        super(message);
    }
}
