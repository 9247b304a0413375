# The distillation recipes ddlab measures with: the options after `distill --method M --ipc N` that make the sets it
# ships (environment/measure/sets) and that environment/measure/beats-start runs on every dataset. Sourced, not run.
# Step counts fit a 2-core CPU in 10–40 minutes each on Fashion-MNIST (FRePo's come from environment/measure/frepo,
# IDC's from environment/measure/idc with DREAM's K-Means start, MTT's from environment/measure/mtt: its 30 minutes
# gave 76–81 steps there, after 2 experts of 4 epochs).
# shellcheck shell=bash

# recipe NAME (method-ipcN): prints the options, or dies naming the recipes there are.
recipe() {
  case "$1" in
    frepo-ipc1|frepo-ipc10) echo "--steps 2500" ;;
    dm-ipc1|dm-ipc10|dm-ipc50) echo "--steps 200 --real-batch 128" ;;
    dc-ipc1|dsa-ipc1)       echo "--steps 200" ;;
    dc-ipc10|dsa-ipc10)     echo "--steps 6 --checkpoint-every 2" ;;
    idc-ipc1)               echo "--steps 10 --init kmeans --inner-loop 10 --checkpoint-every 2" ;;
    idc-ipc10)              echo "--steps 16 --init kmeans --inner-loop 10 --checkpoint-every 5" ;;
    mtt-ipc10)              echo "--steps 80 --init kmeans --experts 2 --max-start-epoch 3 --expert-epochs 2 --checkpoint-every 10" ;;
    *) die "unknown recipe '$1' (known: frepo|dm|dc|dsa|idc followed by -ipc1 or -ipc10, dm-ipc50 and mtt-ipc10)" ;;
  esac
}

# recipe_steps NAME: the recipe's --steps, what a resumed run is continued to.
recipe_steps() {
  grep -oP '(?<=--steps )[0-9]+' <<<"$(recipe "$1")"
}
