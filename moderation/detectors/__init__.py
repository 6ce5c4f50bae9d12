"""One detector per house-rules category (and one for the people register).

Each detector reads a `Document` and returns a `Detection`: the categories it found, each
with a score and evidence, and any note for the comms team. Detectors never decide the
action; that is the policy's job, from the thresholds in rules.yaml.
"""
