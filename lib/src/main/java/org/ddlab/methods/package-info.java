/**
 * The distillation methods by name ({@code frepo}, {@code dc}, {@code dsa}, {@code dm}) and the option
 * vocabulary that configures them, shared by {@code ddlab distill}, ablation grids and checkpoints.
 */
package org.ddlab.methods;
