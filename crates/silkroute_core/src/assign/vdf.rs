//! Volume-delay functions: link travel time as a function of link volume.
//!
//! Every function here is convex and non-decreasing in the volume, so the equilibrium
//! problem is a convex programme (Beckmann) and its solution's link volumes are unique
//! wherever the cost is strictly increasing.

/// The shape of a link's volume-delay function. `t0` is the free-flow time, `x = v / capacity`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Vdf {
    /// BPR: `t0 · (1 + alpha · x^beta)`. `alpha = 0` is a constant-cost link.
    Bpr {
        /// Multiplier (TNTP `B`).
        alpha: f64,
        /// Exponent (TNTP `Power`), ≥ 0.
        beta: f64,
    },
    /// Spiess's conical function: `t0 · (2 + √(α²(1−x)² + β²) − α(1−x) − β)` with
    /// `β = (2α − 1)/(2α − 2)`; `alpha > 1`. Finite slope at every volume, equal to BPR-like
    /// behaviour near capacity without BPR's very steep tail.
    Conical {
        /// Steepness α (> 1).
        alpha: f64,
    },
}

/// The volume-delay data of one link.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkVdf {
    /// The function.
    pub vdf: Vdf,
    /// Free-flow time (≥ 0).
    pub free_flow_time: f64,
    /// Capacity (> 0 unless the link has a constant cost).
    pub capacity: f64,
}

/// `x^p` with a fast path for the small integer powers that networks use.
#[inline]
fn pow(x: f64, p: f64) -> f64 {
    if p == 4.0 {
        let x2 = x * x;
        x2 * x2
    } else if p == 1.0 {
        x
    } else if p == 2.0 {
        x * x
    } else if p == 3.0 {
        x * x * x
    } else if p == 0.0 {
        1.0
    } else if x <= 0.0 {
        0.0
    } else {
        x.powf(p)
    }
}

impl LinkVdf {
    /// A link whose time does not depend on its volume.
    pub fn constant(time: f64) -> LinkVdf {
        LinkVdf {
            vdf: Vdf::Bpr {
                alpha: 0.0,
                beta: 1.0,
            },
            free_flow_time: time,
            capacity: 1.0,
        }
    }

    /// Whether the time depends on the volume at all.
    pub fn is_constant(&self) -> bool {
        match self.vdf {
            Vdf::Bpr { alpha, .. } => alpha == 0.0 || self.free_flow_time == 0.0,
            Vdf::Conical { .. } => self.free_flow_time == 0.0,
        }
    }

    /// Travel time at volume `v` (v ≥ 0).
    #[inline]
    pub fn time(&self, v: f64) -> f64 {
        match self.vdf {
            Vdf::Bpr { alpha, beta } => {
                if alpha == 0.0 {
                    self.free_flow_time
                } else {
                    self.free_flow_time * (1.0 + alpha * pow(v / self.capacity, beta))
                }
            }
            Vdf::Conical { alpha } => {
                let b = conical_beta(alpha);
                let y = alpha * (1.0 - v / self.capacity);
                self.free_flow_time * (2.0 + (y * y + b * b).sqrt() - y - b)
            }
        }
    }

    /// The derivative of the time with respect to the volume at `v`.
    #[inline]
    pub fn derivative(&self, v: f64) -> f64 {
        match self.vdf {
            Vdf::Bpr { alpha, beta } => {
                if alpha == 0.0 || beta == 0.0 {
                    0.0
                } else {
                    self.free_flow_time * alpha * beta * pow(v / self.capacity, beta - 1.0)
                        / self.capacity
                }
            }
            Vdf::Conical { alpha } => {
                let b = conical_beta(alpha);
                let y = alpha * (1.0 - v / self.capacity);
                self.free_flow_time / self.capacity * alpha * (1.0 - y / (y * y + b * b).sqrt())
            }
        }
    }

    /// The time and its derivative at `v`, with one power evaluation.
    #[inline]
    pub fn time_and_derivative(&self, v: f64) -> (f64, f64) {
        match self.vdf {
            Vdf::Bpr { alpha, beta } => {
                if alpha == 0.0 {
                    (self.free_flow_time, 0.0)
                } else {
                    let x = v / self.capacity;
                    let r = if beta == 0.0 { 0.0 } else { pow(x, beta - 1.0) };
                    let xb = if beta == 0.0 { 1.0 } else { r * x };
                    (
                        self.free_flow_time * (1.0 + alpha * xb),
                        self.free_flow_time * alpha * beta * r / self.capacity,
                    )
                }
            }
            Vdf::Conical { .. } => (self.time(v), self.derivative(v)),
        }
    }

    /// The second derivative of the time at `v`.
    #[inline]
    pub fn second_derivative(&self, v: f64) -> f64 {
        match self.vdf {
            Vdf::Bpr { alpha, beta } => {
                if alpha == 0.0 || beta <= 1.0 {
                    0.0
                } else {
                    self.free_flow_time
                        * alpha
                        * beta
                        * (beta - 1.0)
                        * pow(v / self.capacity, beta - 2.0)
                        / (self.capacity * self.capacity)
                }
            }
            Vdf::Conical { alpha } => {
                let b = conical_beta(alpha);
                let y = alpha * (1.0 - v / self.capacity);
                let r = y * y + b * b;
                self.free_flow_time * alpha * alpha * b * b
                    / (r * r.sqrt() * self.capacity * self.capacity)
            }
        }
    }

    /// `∫₀^v time(s) ds`, the link's term of the Beckmann objective.
    pub fn integral(&self, v: f64) -> f64 {
        match self.vdf {
            Vdf::Bpr { alpha, beta } => {
                if alpha == 0.0 {
                    self.free_flow_time * v
                } else {
                    self.free_flow_time
                        * v
                        * (1.0 + alpha * pow(v / self.capacity, beta) / (beta + 1.0))
                }
            }
            Vdf::Conical { alpha } => {
                let b = conical_beta(alpha);
                let x = v / self.capacity;
                let f = |u: f64| 0.5 * (u * (u * u + b * b).sqrt() + b * b * (u / b).asinh());
                let root = (f(alpha) - f(alpha * (1.0 - x))) / alpha;
                self.free_flow_time
                    * self.capacity
                    * ((2.0 - b) * x + root - alpha * (x - 0.5 * x * x))
            }
        }
    }
}

/// Spiess's β for a given α.
#[inline]
fn conical_beta(alpha: f64) -> f64 {
    (2.0 * alpha - 1.0) / (2.0 * alpha - 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric_integral(l: &LinkVdf, v: f64) -> f64 {
        let n = 20_000;
        let h = v / n as f64;
        // Simpson's rule.
        let mut s = l.time(0.0) + l.time(v);
        for i in 1..n {
            let w = if i % 2 == 1 { 4.0 } else { 2.0 };
            s += w * l.time(i as f64 * h);
        }
        s * h / 3.0
    }

    fn links() -> Vec<LinkVdf> {
        vec![
            LinkVdf {
                vdf: Vdf::Bpr {
                    alpha: 0.15,
                    beta: 4.0,
                },
                free_flow_time: 6.0,
                capacity: 2500.0,
            },
            LinkVdf {
                vdf: Vdf::Bpr {
                    alpha: 1.0,
                    beta: 2.5,
                },
                free_flow_time: 3.0,
                capacity: 700.0,
            },
            LinkVdf {
                vdf: Vdf::Conical { alpha: 4.0 },
                free_flow_time: 2.0,
                capacity: 1000.0,
            },
            LinkVdf::constant(7.0),
        ]
    }

    #[test]
    fn derivatives_and_integrals_match_numerical_ones() {
        for l in links() {
            for v in [0.0, 10.0, 500.0, 999.0, 1000.0, 2600.0, 4000.0] {
                let h = 1e-3;
                let d = (l.time(v + h) - l.time((v - h).max(0.0))) / (v + h - (v - h).max(0.0));
                assert!(
                    (d - l.derivative(v)).abs() <= 1e-6 * (1.0 + d.abs()),
                    "{l:?} {v}"
                );
                let dd = (l.derivative(v + h) - l.derivative((v - h).max(0.0)))
                    / (v + h - (v - h).max(0.0));
                assert!(
                    (dd - l.second_derivative(v)).abs() <= 1e-5 * (1.0 + dd.abs()),
                    "{l:?} {v}: {dd} vs {}",
                    l.second_derivative(v)
                );
                let (t, dt) = l.time_and_derivative(v);
                assert!(
                    (t - l.time(v)).abs() <= 1e-12 * t.abs().max(1.0),
                    "{l:?} {v}"
                );
                assert!(
                    (dt - l.derivative(v)).abs() <= 1e-12 * dt.abs().max(1.0),
                    "{l:?} {v}"
                );
                let i = numeric_integral(&l, v);
                assert!(
                    (i - l.integral(v)).abs() <= 1e-8 * (1.0 + i.abs()),
                    "{l:?} {v}"
                );
            }
        }
    }

    #[test]
    fn conical_is_free_flow_at_zero_and_double_at_capacity() {
        let l = links()[2];
        assert!((l.time(0.0) - 2.0).abs() < 1e-12);
        assert!((l.time(1000.0) - 4.0).abs() < 1e-12);
    }
}
