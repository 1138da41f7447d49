//! Bounded, thread-safe tail buffer that keeps the most recent driver output.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

/// Bytes of driver output kept in memory (the oldest bytes are dropped first).
pub const DEFAULT_LOG_CAPACITY: usize = 64 * 1024;

/// Bytes of driver output quoted inside an error message.
pub const ERROR_LOG_BYTES: usize = 8 * 1024;

#[derive(Debug)]
struct Inner {
    capacity: usize,
    bytes: VecDeque<u8>,
    dropped: u64,
}

/// A cheaply clonable handle to a bounded buffer holding the tail of a
/// driver's combined stdout/stderr.
#[derive(Debug, Clone)]
pub struct LogTail {
    inner: Arc<Mutex<Inner>>,
}

impl LogTail {
    /// Create an empty buffer that keeps at most `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner {
                capacity: capacity.max(1),
                bytes: VecDeque::new(),
                dropped: 0,
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A reader thread panicking must not make the log unusable.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Append output, discarding the oldest bytes beyond the capacity.
    pub fn push(&self, data: &[u8]) {
        let mut inner = self.lock();
        let cap = inner.capacity;
        let data = if data.len() > cap {
            inner.dropped += (data.len() - cap) as u64;
            &data[data.len() - cap..]
        } else {
            data
        };
        let overflow = (inner.bytes.len() + data.len()).saturating_sub(cap);
        if overflow > 0 {
            inner.bytes.drain(..overflow);
            inner.dropped += overflow as u64;
        }
        inner.bytes.extend(data.iter().copied());
    }

    /// Total bytes discarded so far because of the capacity bound.
    pub fn dropped(&self) -> u64 {
        self.lock().dropped
    }

    /// Everything still buffered, decoded lossily as UTF-8.
    pub fn contents(&self) -> String {
        self.tail(usize::MAX)
    }

    /// The last `max_bytes` bytes, decoded lossily, prefixed by a marker
    /// when older output was cut off.
    pub fn tail(&self, max_bytes: usize) -> String {
        let inner = self.lock();
        let len = inner.bytes.len();
        let start = len.saturating_sub(max_bytes);
        let cut = inner.dropped + start as u64;
        let bytes: Vec<u8> = inner.bytes.iter().skip(start).copied().collect();
        let text = String::from_utf8_lossy(&bytes);
        if cut > 0 {
            format!("[... {cut} earlier bytes omitted ...]\n{text}")
        } else {
            text.into_owned()
        }
    }

    /// Text to append to an error message: empty when there is no output.
    pub fn for_error(&self) -> String {
        let tail = self.tail(ERROR_LOG_BYTES);
        if tail.trim().is_empty() {
            String::new()
        } else {
            format!("\n--- driver output (tail) ---\n{}", tail.trim_end())
        }
    }
}

impl Default for LogTail {
    fn default() -> Self {
        Self::new(DEFAULT_LOG_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_everything_under_capacity() {
        let log = LogTail::new(16);
        log.push(b"hello ");
        log.push(b"world");
        assert_eq!(log.contents(), "hello world");
        assert_eq!(log.dropped(), 0);
    }

    #[test]
    fn keeps_only_the_tail() {
        let log = LogTail::new(8);
        log.push(b"0123456789");
        log.push(b"abc");
        assert_eq!(log.dropped(), 5);
        assert!(log.contents().ends_with("789abc"), "{}", log.contents());
        assert!(log.contents().starts_with("[... 5 earlier bytes omitted"));
        assert_eq!(log.tail(3), "[... 10 earlier bytes omitted ...]\nabc");
    }

    #[test]
    fn for_error_is_empty_without_output() {
        let log = LogTail::new(8);
        assert_eq!(log.for_error(), "");
        log.push(b"boom\n");
        assert!(log.for_error().contains("boom"));
    }
}
