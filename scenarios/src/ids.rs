//! The contract's closed vocabularies: metric IDs, profiles, environments, frameworks, workloads, probes.

use serde::{Deserialize, Serialize};

/// A name that is not one of a vocabulary's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{value}`; expected one of: {expected}")]
pub struct UnknownName {
    pub kind: &'static str,
    pub value: String,
    pub expected: String,
}

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident, $kind:literal { $($(#[$vm:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $variant),+ }

        impl $name {
            /// Every value, in contract order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling used in files and on the command line.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // Read as a string, then parsed: error paths can then name a map key of this type
        // (`$.metrics[0].thresholds.core-mox`, not `…thresholds.?`).
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl core::str::FromStr for $name {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, UnknownName> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| UnknownName {
                    kind: $kind,
                    value: s.to_owned(),
                    expected: Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                })
            }
        }
    };
}

string_enum!(
    /// A budget metric of the contract (sections 3 and 4).
    MetricId, "metric id" {
        Perf01A = "M-PERF-01A",
        Perf01B = "M-PERF-01B",
        Perf02A = "M-PERF-02A",
        Perf02B = "M-PERF-02B",
        Perf03A = "M-PERF-03A",
        Perf03B = "M-PERF-03B",
        Perf04A = "M-PERF-04A",
        Perf04B = "M-PERF-04B",
        Perf04C = "M-PERF-04C",
        Perf04D = "M-PERF-04D",
    }
);

string_enum!(
    /// A budgeted artifact profile (contract section 2).
    Profile, "profile" {
        CoreMin = "core-min",
        CoreTrace = "core-trace",
        FullDev = "full-dev",
    }
);

string_enum!(
    /// A reference environment of the measurement matrix (contract section 5), or `build` for size records.
    Environment, "environment" {
        DesktopChromium = "desktop-chromium",
        DesktopFirefox = "desktop-firefox",
        MobileAndroid = "mobile-android",
        /// Size metrics do not depend on a browser: they are measured on the build output.
        Build = "build",
    }
);

string_enum!(
    /// A host framework of the benchmark corpus (contract section 8.2).
    Framework, "framework" {
        VanillaJs = "vanilla-js",
        TypescriptSdk = "typescript-sdk",
        React = "react",
        Nextjs = "nextjs",
    }
);

string_enum!(
    /// A workload of the benchmark corpus (contract section 8.2).
    Workload, "workload" {
        ColdStart = "cold-start",
        SteadyThroughput = "steady-throughput",
        CancellationStorm = "cancellation-storm",
        StreamingIo = "streaming-io",
        MemoryPressure = "memory-pressure",
    }
);

string_enum!(
    /// One quantity the in-browser harness measures; [`crate::protocol::metric_for`] maps it to a metric.
    Probe, "probe" {
        ColdInit = "cold-init",
        Heap = "heap",
        CancelResponse = "cancel-response",
        ReserveSend = "reserve-send",
        TimeoutArmCancel = "timeout-arm-cancel",
        SpawnJoin = "spawn-join",
        ReplayStep = "replay-step",
    }
);

string_enum!(
    /// Whether a metric blocks release on any breach or warns first.
    GateKind, "gate kind" {
        Hard = "hard",
        Operational = "operational",
    }
);

string_enum!(
    /// The unit a metric's value and thresholds are written in.
    Unit, "unit" {
        Bytes = "bytes",
        Milliseconds = "ms",
        Microseconds = "us",
        Percent = "percent",
    }
);

impl MetricId {
    /// Sections 3 and 4 of the contract: which table the metric sits in.
    pub fn gate_kind(self) -> GateKind {
        match self {
            MetricId::Perf04A | MetricId::Perf04B | MetricId::Perf04C | MetricId::Perf04D => {
                GateKind::Operational
            }
            _ => GateKind::Hard,
        }
    }

    /// The unit this project writes the metric in (sizes and heap in bytes, latencies as the contract writes them).
    pub fn unit(self) -> Unit {
        match self {
            MetricId::Perf01A | MetricId::Perf01B | MetricId::Perf03A => Unit::Bytes,
            MetricId::Perf02A | MetricId::Perf02B | MetricId::Perf03B => Unit::Milliseconds,
            MetricId::Perf04A | MetricId::Perf04B | MetricId::Perf04C => Unit::Microseconds,
            MetricId::Perf04D => Unit::Percent,
        }
    }

    /// Size metrics are single-sample and measured on the build, not in a browser.
    pub fn is_size(self) -> bool {
        matches!(self, MetricId::Perf01A | MetricId::Perf01B)
    }
}

impl Unit {
    /// How many nanoseconds one unit is, for time units.
    pub fn nanos(self) -> Option<f64> {
        match self {
            Unit::Milliseconds => Some(1e6),
            Unit::Microseconds => Some(1e3),
            Unit::Bytes | Unit::Percent => None,
        }
    }
}

impl Environment {
    /// The three browser environments of the matrix (excludes `build`).
    pub const BROWSERS: &'static [Environment] = &[
        Environment::DesktopChromium,
        Environment::DesktopFirefox,
        Environment::MobileAndroid,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_list_choices() {
        for m in MetricId::ALL {
            assert_eq!(m.as_str().parse::<MetricId>().unwrap(), *m);
            let json = serde_json::to_string(m).unwrap();
            assert_eq!(json, format!("\"{}\"", m.as_str()));
        }
        let err = "M-PERF-09Z".parse::<MetricId>().unwrap_err();
        assert!(err.to_string().contains("M-PERF-01A"), "{err}");
        assert_eq!(MetricId::ALL.len(), 10);
        assert_eq!("core-min".parse::<Profile>().unwrap(), Profile::CoreMin);
    }
}
