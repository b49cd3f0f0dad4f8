#!/usr/bin/env python3
"""Write a scenario file with many generated states, for memory and scale checks.

Usage: benches/memory/many-states.py STATES [STEPS] > many.toml

The file extends the embedded Eurasia 2025 world (its six powers and seven institutions) with
STATES more states, each a hedger with a varied alignment and a trade tie to every power,
and sets the horizon to STEPS months (default: the world's 120). The numbers are arbitrary
but valid: the file exists to measure memory (BENCHMARKS.md, memory section), not to model
anything.
"""
import sys

POWERS = ["Russia", "China", "USA", "EU", "Turkiye", "Iran"]
CHANNELS = ["trade", "remittances", "security", "energy", "investment", "labour",
            "culture", "media"]


def state(i):
    # Alignment: weights 1..6 rotated by i, plus autonomy; normalised to sum to 1 exactly
    # in the printed decimals by giving autonomy the remainder.
    weights = [1 + (i + k) % 6 for k in range(len(POWERS))]
    total = sum(weights) * 2
    shares = [round(w / total, 4) for w in weights]
    autonomy = round(1 - sum(shares), 4)
    alignment = ", ".join(f"{p} = {s}" for p, s in zip(POWERS, shares))
    salience = ", ".join(f"{c} = 0.125" for c in CHANNELS)
    lines = [
        f"[states.G{i:05d}]",
        'disposition = "hedge"',
        f"inertia = {0.02 + (i % 7) * 0.01:.2f}",
        "stubbornness = 0.3",
        "fragility = 0.05",
        f"salience = {{ {salience} }}",
        f"alignment = {{ {alignment}, autonomy = {autonomy} }}",
    ]
    for k, p in enumerate(POWERS):
        lines.append(f"ties.{p} = {{ trade = {0.05 + ((i + k) % 5) * 0.05:.2f} }}")
    return "\n".join(lines)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    n = int(sys.argv[1])
    print('extends = "builtin:eurasia-2025"')
    print(f'name = "Eurasia 2025 with {n} generated states"')
    if len(sys.argv) == 3:
        print(f"[horizon]\nsteps = {int(sys.argv[2])}")
    for i in range(n):
        print()
        print(state(i))


if __name__ == "__main__":
    main()
