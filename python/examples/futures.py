"""The three CSTO futures, and the embedded world with no drivers as the baseline: how often
the model's runs end in each future under each scenario, drawn as grouped bars with their
Wilson 95 % intervals (what `geoalign futures` prints and draws as futures.svg).

    python examples/futures.py --runs 1000 --out futures.png

Model implications under each scenario's assumptions, not forecasts.
"""

import argparse

import matplotlib

matplotlib.use("Agg")  # a file, no window: runs on a server and in CI
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import geoalign  # noqa: E402

SCENARIOS = [
    "builtin:csto-slow-decline",
    "builtin:csto-selective-consolidation",
    "builtin:csto-partial-revitalization",
    "builtin:eurasia-2025",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--out", default="futures.png")
    args = parser.parse_args()

    rows = []
    for name in SCENARIOS:
        result = geoalign.run(name, runs=args.runs, seed=args.seed)
        rows.append(result.outcomes().query("kind == 'csto_future'"))
    futures = pd.concat(rows, ignore_index=True)
    futures["scenario"] = futures["scenario"].replace(
        {"Eurasia 2025": "Eurasia 2025 (no drivers)"}
    )

    table = futures.pivot(index="scenario", columns="outcome", values="probability")
    order = list(dict.fromkeys(futures["outcome"]))  # the classifier's order
    scenarios = list(dict.fromkeys(futures["scenario"]))
    table = table.loc[scenarios, order]
    print(f"P(future at the horizon), {args.runs} runs per scenario\n")
    print(table.round(3).to_string())

    fig, ax = plt.subplots(figsize=(9, 4.8), layout="constrained")
    width = 0.8 / len(order)
    for k, future in enumerate(order):
        part = futures[futures["outcome"] == future].set_index("scenario").loc[scenarios]
        x = [i + (k - (len(order) - 1) / 2) * width for i in range(len(scenarios))]
        errors = [part["probability"] - part["ci_low"], part["ci_high"] - part["probability"]]
        ax.bar(x, part["probability"], width, yerr=errors, capsize=3, label=future)
    ax.set_xticks(range(len(scenarios)))
    ax.set_xticklabels([s.replace("CSTO ", "CSTO\n") for s in scenarios])
    ax.set_ylim(0, 1.16)  # room for the legend above the bars
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_ylabel("P(future at the horizon)")
    ax.set_xlabel("scenario")
    ax.set_title(
        f"The CSTO futures the runs end in ({args.runs} runs each, Wilson 95 % intervals)\n"
        "model implications under each scenario's assumptions, not forecasts",
        fontsize=10,
    )
    ax.legend(title="future classified", loc="upper center", ncol=len(order), frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.savefig(args.out, dpi=120)
    print(f"\nchart written to {args.out}")


if __name__ == "__main__":
    main()
