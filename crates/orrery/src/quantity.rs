//! Kubernetes quantities (apimachinery's `resource.Quantity`): `500Mi`, `0.5`, `1e3`,
//! `100m` read into an exact number of thousandths with the suffix's format, added, and
//! printed in canonical form as `Quantity.String()` prints them. The storage controllers
//! compare sizes with it; `kubectl describe node` sums pod requests with it.
//!
//! Amounts finer than a thousandth (`1u`, `0.0001`) are rounded up to one, as
//! `MilliValue()` rounds; Go would print them with `u` or `n`, which nothing here does.

/// How a quantity was written, which decides how its sum prints (`Quantity.Format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `Ki`, `Mi`, `Gi`, …
    BinarySI,
    /// No suffix, `m`, `k`, `M`, `G`, …
    DecimalSI,
    /// `1e3`, `5E6`.
    DecimalExponent,
}

/// An amount in thousandths of the unit, with the format it prints in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quantity {
    pub milli: i128,
    pub format: Format,
}

impl Quantity {
    /// The zero value of Go's `Quantity`: prints `0`.
    pub const ZERO: Quantity = Quantity {
        milli: 0,
        format: Format::DecimalSI,
    };

    /// Reads a quantity; None for text that is not one.
    pub fn parse(s: &str) -> Option<Quantity> {
        let t = s.trim();
        let milli = parse_scaled(t, 1000)?;
        let suffix =
            t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '+' || c == '-');
        let format = if suffix.ends_with('i') {
            Format::BinarySI
        } else if suffix.starts_with(['e', 'E']) {
            Format::DecimalExponent
        } else {
            Format::DecimalSI
        };
        Some(Quantity { milli, format })
    }

    /// A quantity field of an object: a string, or a bare JSON number; None otherwise.
    pub fn of(v: &serde_json::Value) -> Option<Quantity> {
        match v {
            serde_json::Value::String(s) => Quantity::parse(s),
            serde_json::Value::Number(n) => Quantity::parse(&n.to_string()),
            _ => None,
        }
    }

    /// `Quantity.Value()`: whole units, rounded up.
    pub fn value(self) -> i128 {
        self.milli.div_euclid(1000) + i128::from(self.milli.rem_euclid(1000) != 0)
    }

    /// `Quantity.String()`, the canonical form: `1024Mi` → `1Gi`, `1000M` → `1G`,
    /// `1.5Gi` → `1536Mi`, `0.5` → `500m`. A binary amount under 1024, or not whole,
    /// prints as decimal (Go's `CanonicalizeBytes`).
    pub fn canonical(self) -> String {
        if self.milli % 1000 != 0 {
            return format!("{}m", self.milli);
        }
        let v = self.milli / 1000;
        if self.format == Format::BinarySI && v.abs() >= 1024 {
            const B: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
            let mut k = 0;
            let mut n = v;
            while k < 6 && n % 1024 == 0 {
                n /= 1024;
                k += 1;
            }
            return format!("{n}{}", B[k]);
        }
        const D: [&str; 7] = ["", "k", "M", "G", "T", "P", "E"];
        let mut k = 0;
        let mut n = v;
        while k < 6 && n != 0 && n % 1000 == 0 {
            n /= 1000;
            k += 1;
        }
        if self.format == Format::DecimalExponent && k > 0 {
            return format!("{n}e{}", 3 * k);
        }
        format!("{n}{}", D[k])
    }
}

/// `Quantity.Add`: the sum keeps the receiver's format, unless the receiver is zero,
/// whose format yields to the other's.
impl std::ops::Add for Quantity {
    type Output = Quantity;

    fn add(self, other: Quantity) -> Quantity {
        let format = if self.milli == 0 {
            other.format
        } else {
            self.format
        };
        Quantity {
            milli: self.milli + other.milli,
            format,
        }
    }
}

/// Parses a Kubernetes quantity (`1Gi`, `500Mi`, `2G`, `1e3`, `100m`) into whole units
/// (bytes for a size), rounded up as `Quantity.Value()` does. None for text that is not a
/// quantity.
pub fn parse_quantity(s: &str) -> Option<i128> {
    parse_scaled(s, 1)
}

/// A quantity as `Quantity.String()` prints it (canonical form). Text that is not a
/// quantity is returned as is.
pub fn canonical_quantity(s: &str) -> String {
    match Quantity::parse(s) {
        Some(q) => q.canonical(),
        None => s.trim().to_string(),
    }
}

/// `ceil(quantity × factor)`.
fn parse_scaled(s: &str, factor: i128) -> Option<i128> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    if num.is_empty() || num == "+" || num == "-" {
        return None;
    }
    let (int_part, frac_part) = num.split_once('.').unwrap_or((num, ""));
    let neg = int_part.starts_with('-');
    let int_digits = int_part.trim_start_matches(['+', '-']);
    if !int_digits.chars().all(|c| c.is_ascii_digit())
        || !frac_part.chars().all(|c| c.is_ascii_digit())
        || (int_digits.is_empty() && frac_part.is_empty())
    {
        return None;
    }
    // Value as a fraction mantissa / 10^scale.
    let digits = format!("{int_digits}{frac_part}");
    let mantissa: i128 = digits.parse().ok()?;
    let scale = frac_part.len() as u32;
    let (mul, div): (i128, i128) = match suffix {
        "" => (1, 1),
        "m" => (1, 1000),
        "k" => (1_000, 1),
        "M" => (1_000_000, 1),
        "G" => (1_000_000_000, 1),
        "T" => (1_000_000_000_000, 1),
        "P" => (1_000_000_000_000_000, 1),
        "E" => (1_000_000_000_000_000_000, 1),
        "Ki" => (1 << 10, 1),
        "Mi" => (1 << 20, 1),
        "Gi" => (1 << 30, 1),
        "Ti" => (1 << 40, 1),
        "Pi" => (1 << 50, 1),
        "Ei" => (1 << 60, 1),
        e if e.starts_with(['e', 'E']) => {
            let exp: u32 = e[1..].parse().ok()?;
            (10i128.checked_pow(exp)?, 1)
        }
        _ => return None,
    };
    let num = mantissa.checked_mul(mul)?.checked_mul(factor)?;
    let den = 10i128.checked_pow(scale)?.checked_mul(div)?;
    let v = (num + den - 1) / den;
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("1Gi"), Some(1 << 30));
        assert_eq!(parse_quantity("500Mi"), Some(500 << 20));
        assert_eq!(parse_quantity("2G"), Some(2_000_000_000));
        assert_eq!(parse_quantity("1.5Gi"), Some(3 << 29));
        assert_eq!(parse_quantity("1e3"), Some(1000));
        assert_eq!(parse_quantity("100m"), Some(1));
        assert_eq!(parse_quantity("10"), Some(10));
        assert_eq!(parse_quantity("abc"), None);
        assert_eq!(parse_quantity("1Gb"), None);
        for (i, o) in [
            ("1Gi", "1Gi"),
            ("1024Mi", "1Gi"),
            ("1536Mi", "1536Mi"),
            ("1.5Gi", "1536Mi"),
            ("1000M", "1G"),
            ("1500M", "1500M"),
            ("2G", "2G"),
            ("500", "500"),
            ("1000", "1k"),
            ("1e3", "1e3"),
            ("0.5", "500m"),
            ("100Ki", "100Ki"),
            ("512", "512"),
        ] {
            assert_eq!(canonical_quantity(i), o, "{i}");
        }
    }

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    /// Sums print as kubectl's `describe node` prints them: the first term's format, the
    /// canonical form of the total.
    #[test]
    fn sums_keep_the_first_format() {
        assert_eq!((q("500m") + q("250m")).canonical(), "750m");
        assert_eq!((q("500m") + q("1500m")).canonical(), "2");
        assert_eq!((q("100Mi") + q("70Mi")).canonical(), "170Mi");
        assert_eq!((q("512Mi") + q("512Mi")).canonical(), "1Gi");
        assert_eq!((q("1Gi") + q("1G")).canonical(), "2073741824");
        assert_eq!((q("1G") + q("1Gi")).canonical(), "2073741824");
        assert_eq!((q("1") + q("1")).canonical(), "2");
        assert_eq!((Quantity::ZERO + q("64Mi")).canonical(), "64Mi");
        assert_eq!(Quantity::ZERO.canonical(), "0");
        assert_eq!(q("100m").value(), 1);
        assert_eq!(q("2").value(), 2);
        assert_eq!(q("3912788Ki").value(), 3912788 * 1024);
    }
}
