"""Training in bursts: simulation (the loop), recorder (what a step measures), optim."""
