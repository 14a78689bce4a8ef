//! Virtual time. The simulator owns the clock: a count of milliseconds since the
//! cluster's epoch, never read from the OS. Formatting helpers turn it into the
//! timestamps and AGE strings kubectl prints (R8.1).

/// Milliseconds of virtual time since the simulated epoch.
pub type Millis = i64;

/// The wall-clock instant virtual time 0 stands for: 2026-01-01T00:00:00Z, in seconds
/// since the Unix epoch. Fixed, so transcripts print the same bytes on every machine.
pub const EPOCH_UNIX_SECONDS: i64 = 1_767_225_600;

/// RFC 3339 UTC timestamp with whole seconds, as the API server prints them.
pub fn rfc3339(ms: Millis) -> String {
    let secs = EPOCH_UNIX_SECONDS + ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` back to virtual milliseconds.
pub fn parse_rfc3339(t: &str) -> Option<Millis> {
    let b = t.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let n = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (hh, mm, ss) = (n(11..13)?, n(14..16)?, n(17..19)?);
    let days = days_from_civil(y, m, d);
    Some(((days * 86_400 + hh * 3600 + mm * 60 + ss) - EPOCH_UNIX_SECONDS) * 1000)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// kubectl's AGE column: `HumanDuration` (R8.1).
pub fn human_duration(ms: Millis) -> String {
    let secs = ms.div_euclid(1000);
    if secs < -1 {
        return "<invalid>".into();
    }
    if secs < 0 {
        return "0s".into();
    }
    let s = secs;
    if s < 120 {
        return format!("{s}s");
    }
    let m = s / 60;
    if s < 600 {
        let rs = s % 60;
        return if rs == 0 {
            format!("{m}m")
        } else {
            format!("{m}m{rs}s")
        };
    }
    let h = s / 3600;
    if s < 3 * 3600 {
        return format!("{m}m");
    }
    if s < 8 * 3600 {
        let rm = m % 60;
        return if rm == 0 {
            format!("{h}h")
        } else {
            format!("{h}h{rm}m")
        };
    }
    if s < 48 * 3600 {
        return format!("{h}h");
    }
    let d = s / 86_400;
    if s < 8 * 86_400 {
        let rh = h % 24;
        return if rh == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{rh}h")
        };
    }
    if s < 2 * 365 * 86_400 {
        return format!("{d}d");
    }
    let y = d / 365;
    if s < 8 * 365 * 86_400 {
        let rd = d % 365;
        return if rd == 0 {
            format!("{y}y")
        } else {
            format!("{y}y{rd}d")
        };
    }
    format!("{y}y")
}

/// Parses a duration as `sleep` and kubectl flags take it: `30s`, `2m`, `1h`, `1m30s`,
/// `500ms`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Option<Millis> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(n) = t.parse::<f64>() {
        return (n.is_finite() && (0.0..1e12).contains(&n)).then(|| (n * 1000.0).round() as Millis);
    }
    let mut total: f64 = 0.0;
    let mut rest = t;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += n * factor;
    }
    (total.is_finite() && total < 1e15).then(|| total.round() as Millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_duration_matches_kubectl() {
        let cases = [
            (0, "0s"),
            (90_000, "90s"),
            (119_000, "119s"),
            (120_000, "2m"),
            (125_000, "2m5s"),
            (600_000, "10m"),
            (3 * 3600_000 - 1000, "179m"),
            (3 * 3600_000, "3h"),
            (3 * 3600_000 + 60_000, "3h1m"),
            (10 * 3600_000, "10h"),
            (50 * 3600_000, "2d2h"),
            (10 * 86_400_000, "10d"),
            (3 * 365 * 86_400_000 + 86_400_000, "3y1d"),
            (-500, "0s"),
            (-2000, "<invalid>"),
        ];
        for (ms, want) in cases {
            assert_eq!(human_duration(ms), want, "{ms} ms");
        }
    }

    #[test]
    fn timestamps_start_at_the_epoch() {
        assert_eq!(rfc3339(0), "2026-01-01T00:00:00Z");
        assert_eq!(rfc3339(86_400_000 * 59 + 61_000), "2026-03-01T00:01:01Z");
    }

    #[test]
    fn timestamps_round_trip() {
        for ms in [0, 1000, 86_400_000 * 400 + 7000, 5_000_000_000] {
            assert_eq!(parse_rfc3339(&rfc3339(ms)), Some(ms));
        }
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("30s"), Some(30_000));
        assert_eq!(parse_duration("2m"), Some(120_000));
        assert_eq!(parse_duration("1m30s"), Some(90_000));
        assert_eq!(parse_duration("5"), Some(5_000));
        assert_eq!(parse_duration("1h"), Some(3_600_000));
        assert_eq!(parse_duration("x"), None);
        assert_eq!(parse_duration("3x"), None);
    }
}
