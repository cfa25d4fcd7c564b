//! Independent pieces of work shared out over threads, with the results back in order.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Applies `f` to every item on up to `threads` threads and returns the results in item order,
/// so the outcome is exactly the sequential one. Each thread takes the next item not yet taken,
/// which evens out items of uneven cost. A panic in `f` is raised again on the caller's thread.
pub fn map_in_order<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if threads < 2 || items.len() < 2 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads.min(items.len()))
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break mine };
                        mine.push((i, f(item)));
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_item_order_whatever_the_thread_count() {
        let items: Vec<u64> = (0..1000).collect();
        let slow_square = |n: &u64| {
            // Uneven work, so threads finish items out of order.
            if n.is_multiple_of(7) {
                std::thread::yield_now();
            }
            n * n
        };
        let expected: Vec<u64> = items.iter().map(slow_square).collect();
        for threads in [1, 2, 3, 8] {
            assert_eq!(map_in_order(&items, threads, slow_square), expected, "{threads} threads");
        }
    }
}
