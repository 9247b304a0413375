/**
 * MTT (Cazenavette et al., CVPR 2022, "Dataset Distillation by Matching Training Trajectories"; reference
 * code GeorgeCazenavette/mtt-distillation): {@link org.ddlab.mtt.ExpertTrajectories} (experts trained on the
 * real data, their parameters after every epoch, in a cache shared by runs), {@link org.ddlab.mtt.TrajectoryMatching}
 * (a student unrolled on the synthetic images from an expert's epoch t, compared with the expert's epoch t + M),
 * {@link org.ddlab.mtt.MttDistiller} (the step, with the learned student rate) and {@link org.ddlab.mtt.MttMethod}
 * (the reference's defaults and its evaluation at the learned rate).
 */
package org.ddlab.mtt;
