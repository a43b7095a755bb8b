#!/usr/bin/env python3
"""Writes the example datasets of examples/ from known true values (seeded), so a fit can be
checked against the truth. Run from the repository root: python3 examples/make_examples.py

decay/: one isotope measured with three sample sizes. y = A_k exp(-t / tau) + B with
  tau = 2.5 s and background B = 0.3 shared, amplitudes A_k = 4, 9, 18 per sample;
  noise is Gaussian with the standard deviation given in the sigma column.
enzyme/rates.csv: initial rates at four inhibitor concentrations I (uM), competitive inhibition
  v = Vmax S / (Km (1 + I / Ki) + S) with Vmax = 12, Km = 4, Ki = 6 shared; 3 % noise.
"""
import math
import random

rng = random.Random(20261123)

tau, background = 2.5, 0.3
for name, amplitude in (("small", 4.0), ("medium", 9.0), ("large", 18.0)):
    with open(f"examples/decay/sample_{name}.csv", "w") as f:
        f.write("t,counts,sigma\n")
        for i in range(40):
            t = 0.25 * i
            true = amplitude * math.exp(-t / tau) + background
            sigma = 0.02 + 0.03 * math.sqrt(true)
            f.write(f"{t:.2f},{true + rng.gauss(0, sigma):.5f},{sigma:.5f}\n")

vmax, km, ki = 12.0, 4.0, 6.0
substrate = (0.5, 1, 2, 3, 5, 8, 12, 20, 30, 50)
with open("examples/enzyme/rates.csv", "w") as f:
    f.write("run,I,S,v\n")
    for run, inhibitor in enumerate((0, 5, 10, 20), start=1):
        for s in substrate:
            true = vmax * s / (km * (1 + inhibitor / ki) + s)
            f.write(f"{run},{inhibitor},{s},{true * (1 + rng.gauss(0, 0.03)):.5f}\n")
