//! A hashed timer wheel (1 ms slots plus an overflow list) with O(1) arm and cancel via an intrusive list.

use std::task::Waker;

/// Slots of the wheel; deadlines further than this many ms ahead wait in the overflow list.
pub const SLOTS: u64 = 512;
const OVERFLOW: usize = SLOTS as usize;
const NIL: u32 = u32::MAX;

/// Handle of an armed timer; stale handles (fired or cancelled) are detected by generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerKey {
    index: u32,
    generation: u32,
}

struct Entry {
    deadline: u64,
    generation: u32,
    list: usize,
    prev: u32,
    next: u32,
    armed: bool,
    waker: Option<Waker>,
}

/// The wheel. Time is in whole milliseconds since an arbitrary origin.
pub struct TimerWheel {
    now: u64,
    heads: Vec<u32>,
    entries: Vec<Entry>,
    free: Vec<u32>,
    armed: usize,
}

impl TimerWheel {
    pub fn new(now: u64) -> Self {
        Self {
            now,
            heads: vec![NIL; OVERFLOW + 1],
            entries: Vec::new(),
            free: Vec::new(),
            armed: 0,
        }
    }

    pub fn now(&self) -> u64 {
        self.now
    }

    /// Timers currently armed.
    pub fn len(&self) -> usize {
        self.armed
    }

    pub fn is_empty(&self) -> bool {
        self.armed == 0
    }

    fn list_for(&self, deadline: u64) -> usize {
        if deadline.saturating_sub(self.now) >= SLOTS {
            OVERFLOW
        } else {
            (deadline % SLOTS) as usize
        }
    }

    fn link(&mut self, i: u32, list: usize) {
        let head = self.heads[list];
        let e = &mut self.entries[i as usize];
        e.list = list;
        e.prev = NIL;
        e.next = head;
        if head != NIL {
            self.entries[head as usize].prev = i;
        }
        self.heads[list] = i;
    }

    fn unlink(&mut self, i: u32) {
        let (prev, next, list) = {
            let e = &self.entries[i as usize];
            (e.prev, e.next, e.list)
        };
        if prev == NIL {
            self.heads[list] = next;
        } else {
            self.entries[prev as usize].next = next;
        }
        if next != NIL {
            self.entries[next as usize].prev = prev;
        }
    }

    /// Arms a timer firing at `deadline` (clamped to now), waking `waker` when it fires.
    pub fn arm(&mut self, deadline: u64, waker: Option<Waker>) -> TimerKey {
        let deadline = deadline.max(self.now);
        let index = match self.free.pop() {
            Some(i) => i,
            None => {
                self.entries.push(Entry {
                    deadline: 0,
                    generation: 0,
                    list: 0,
                    prev: NIL,
                    next: NIL,
                    armed: false,
                    waker: None,
                });
                (self.entries.len() - 1) as u32
            }
        };
        let list = self.list_for(deadline);
        {
            let e = &mut self.entries[index as usize];
            e.deadline = deadline;
            e.armed = true;
            e.waker = waker;
        }
        self.link(index, list);
        self.armed += 1;
        TimerKey {
            index,
            generation: self.entries[index as usize].generation,
        }
    }

    fn release(&mut self, i: u32) -> Option<Waker> {
        self.unlink(i);
        let e = &mut self.entries[i as usize];
        e.armed = false;
        e.generation = e.generation.wrapping_add(1);
        self.free.push(i);
        self.armed -= 1;
        e.waker.take()
    }

    /// Cancels an armed timer. `false` if it already fired or was cancelled.
    pub fn cancel(&mut self, key: TimerKey) -> bool {
        match self.entries.get(key.index as usize) {
            Some(e) if e.armed && e.generation == key.generation => {
                drop(self.release(key.index));
                true
            }
            _ => false,
        }
    }

    /// Whether `key` is still armed (neither fired nor cancelled).
    pub fn is_armed(&self, key: TimerKey) -> bool {
        self.entries
            .get(key.index as usize)
            .is_some_and(|e| e.armed && e.generation == key.generation)
    }

    /// Earliest armed deadline, if any (scans; used only to schedule the driver).
    pub fn next_deadline(&self) -> Option<u64> {
        self.entries
            .iter()
            .filter(|e| e.armed)
            .map(|e| e.deadline)
            .min()
    }

    /// Advances to `now`, firing every timer whose deadline passed. Returns the wakers to wake.
    pub fn advance(&mut self, now: u64) -> Vec<Waker> {
        let mut fired = Vec::new();
        if now < self.now {
            return fired;
        }
        let start = self.now;
        let span = (now - start).min(SLOTS - 1);
        self.now = now;
        for t in start..=start + span {
            self.fire_list((t % SLOTS) as usize, now, &mut fired);
        }
        self.fire_list(OVERFLOW, now, &mut fired);
        fired
    }

    /// Fires due entries of `list` and re-files the rest (they may move between slots and overflow).
    fn fire_list(&mut self, list: usize, now: u64, fired: &mut Vec<Waker>) {
        let mut i = self.heads[list];
        let mut keep = Vec::new();
        while i != NIL {
            let next = self.entries[i as usize].next;
            if self.entries[i as usize].deadline <= now {
                if let Some(w) = self.release(i) {
                    fired.push(w);
                }
            } else {
                keep.push(i);
            }
            i = next;
        }
        for i in keep {
            let target = self.list_for(self.entries[i as usize].deadline);
            if target != list {
                self.unlink(i);
                self.link(i, target);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arm_cancel_and_fire() {
        let mut w = TimerWheel::new(1000);
        let a = w.arm(1005, None);
        let b = w.arm(1005, None);
        let far = w.arm(1000 + 3 * SLOTS, None);
        assert_eq!(w.len(), 3);
        assert!(w.cancel(b));
        assert!(!w.cancel(b), "double cancel must fail");
        assert_eq!(w.next_deadline(), Some(1005));
        w.advance(1004);
        assert_eq!(w.len(), 2);
        w.advance(1005);
        assert_eq!(w.len(), 1);
        assert!(!w.cancel(a), "fired timer cannot be cancelled");
        w.advance(1000 + 3 * SLOTS - 1);
        assert_eq!(w.len(), 1);
        w.advance(1000 + 3 * SLOTS);
        assert!(w.is_empty());
        assert!(!w.cancel(far));
    }

    #[test]
    fn many_arm_cancel_reuse_entries() {
        let mut w = TimerWheel::new(0);
        for d in 0..10_000u64 {
            let k = w.arm(d % 700, None);
            assert!(w.cancel(k));
        }
        assert!(w.is_empty());
        assert_eq!(w.entries.len(), 1);
    }
}
