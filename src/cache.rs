//! A least-recently-used map bounded by the bytes of its values, for derived state that can
//! always be recomputed (rendered pages, page listings).

use std::hash::Hash;
use std::sync::Mutex;

use lru::LruCache;

pub struct BoundedCache<K: Hash + Eq, V> {
    inner: Mutex<Inner<K, V>>,
    budget: usize,
}

struct Inner<K: Hash + Eq, V> {
    entries: LruCache<K, (V, usize)>,
    bytes: usize,
}

impl<K: Hash + Eq, V: Clone> BoundedCache<K, V> {
    /// A cache holding at most `budget` bytes, as measured by the sizes given to `insert`.
    pub fn new(budget: usize) -> Self {
        BoundedCache {
            inner: Mutex::new(Inner {
                entries: LruCache::unbounded(),
                bytes: 0,
            }),
            budget,
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let mut inner = self.inner.lock().expect("cache lock is never poisoned");
        inner.entries.get(key).map(|(value, _)| value.clone())
    }

    pub fn insert(&self, key: K, value: V, size: usize) {
        if size > self.budget {
            return;
        }
        let mut inner = self.inner.lock().expect("cache lock is never poisoned");
        if let Some((_, old)) = inner.entries.put(key, (value, size)) {
            inner.bytes -= old;
        }
        inner.bytes += size;
        while inner.bytes > self.budget {
            match inner.entries.pop_lru() {
                Some((_, (_, evicted))) => inner.bytes -= evicted,
                None => break,
            }
        }
    }

    /// Takes an entry out, so that its holder may change it in place and put it back.
    pub fn remove(&self, key: &K) -> Option<V> {
        let mut inner = self.inner.lock().expect("cache lock is never poisoned");
        let (value, size) = inner.entries.pop(key)?;
        inner.bytes -= size;
        Some(value)
    }

    /// Bytes held now.
    pub fn bytes(&self) -> usize {
        self.inner
            .lock()
            .expect("cache lock is never poisoned")
            .bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_least_recently_used_past_budget() {
        let cache = BoundedCache::new(10);
        cache.insert("a", 1, 4);
        cache.insert("b", 2, 4);
        assert_eq!(cache.get(&"a"), Some(1));
        cache.insert("c", 3, 4);
        assert_eq!(cache.get(&"b"), None, "b was least recently used");
        assert_eq!(cache.get(&"a"), Some(1));
        assert_eq!(cache.get(&"c"), Some(3));
        assert_eq!(cache.bytes(), 8);
        assert_eq!(cache.remove(&"a"), Some(1));
        assert_eq!(cache.bytes(), 4);
        cache.insert("huge", 4, 11);
        assert_eq!(cache.get(&"huge"), None, "larger than the whole budget");
    }
}
