//! `ObjectId`: the name of a git object (commit, tree, blob), as the rest of konbit sees it.
//!
//! Only the store turns it into and out of git's own type; everywhere else it is 20 bytes that
//! can be compared, hashed, shown and parsed from a URL.

use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId([u8; 20]);

impl ObjectId {
    /// All zeros: git's name for "no object", as the parent of a repository's first commit.
    pub const ZERO: ObjectId = ObjectId([0; 20]);

    pub fn is_zero(&self) -> bool {
        *self == ObjectId::ZERO
    }

    pub const fn from_bytes(bytes: [u8; 20]) -> ObjectId {
        ObjectId(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// Parses the 40 hexadecimal digits of a full object id (as in a `?rev=` link); anything
    /// else, abbreviated ids included, is refused.
    pub fn parse(text: &str) -> Option<ObjectId> {
        if text.len() != 40 {
            return None;
        }
        let mut bytes = [0u8; 20];
        for (i, pair) in text.as_bytes().chunks(2).enumerate() {
            let high = (pair[0] as char).to_digit(16)?;
            let low = (pair[1] as char).to_digit(16)?;
            bytes[i] = (high * 16 + low) as u8;
        }
        Some(ObjectId(bytes))
    }

    /// The first `n` hexadecimal digits, for display.
    pub fn short(&self, n: usize) -> String {
        let mut text = self.to_string();
        text.truncate(n);
        text
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectId({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::ObjectId;

    #[test]
    fn full_ids_round_trip_and_nothing_else_parses() {
        let text = "0123456789abcdef0123456789abcdef01234567";
        let id = ObjectId::parse(text).expect("a full id");
        assert_eq!(id.to_string(), text);
        assert_eq!(ObjectId::parse(&text.to_uppercase()), Some(id));
        assert_eq!(id.short(10), "0123456789");
        for bad in [
            "",
            "0123",
            &format!("{text}0"),
            &text.replace('0', "g"),
            "é".repeat(20).as_str(),
        ] {
            assert_eq!(ObjectId::parse(bad), None, "{bad:?}");
        }
    }
}
