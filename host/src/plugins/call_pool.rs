//! Where plugin calls run: a tokio runtime of their own (`plugin-call-*`
//! threads), so a plugin that computes until its time limit occupies those
//! threads and never the ones serving HTTP. Epoch yields alone were not enough:
//! two spinning calls on the server's two workers moved `/health` from p99 3 ms
//! to p50 231 ms. Calls past the host-wide cap
//! (`JOBSCOUT_PLUGIN_MAX_CONCURRENT_CALLS`) wait for a slot; each plugin's own
//! `limits.max_concurrent_calls` still refuses at once.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tracing::instrument::WithSubscriber as _;
use tracing::Instrument as _;

pub struct CallPool {
    /// `None` only while dropping: the runtime is shut down in the background,
    /// as dropping it inside an async context is not allowed.
    runtime: Option<tokio::runtime::Runtime>,
    slots: Arc<Semaphore>,
}

impl std::fmt::Debug for CallPool {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("CallPool")
            .field("free_slots", &self.slots.available_permits())
            .finish()
    }
}

impl CallPool {
    /// `threads` worker threads and at most `max_in_flight` calls at once.
    pub fn new(threads: usize, max_in_flight: usize) -> std::io::Result<CallPool> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("plugin-call")
            .enable_all()
            .build()?;
        Ok(CallPool {
            runtime: Some(runtime),
            slots: Arc::new(Semaphore::new(max_in_flight.max(1))),
        })
    }

    /// Runs `call` on the pool once a slot is free, holding `hold` (the
    /// plugin's own permit) until the call ends, even if the caller stops
    /// waiting: the call still runs to its deadline and keeps its place.
    pub async fn run<T, H>(
        &self,
        call: impl Future<Output = T> + Send + 'static,
        hold: H,
    ) -> Result<T, String>
    where
        T: Send + 'static,
        H: Send + 'static,
    {
        let Some(runtime) = &self.runtime else {
            return Err("the plugin call pool is shutting down".into());
        };
        let slot = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| "the plugin call pool is closed".to_string())?;
        let task = runtime.spawn(
            async move {
                let value = call.await;
                drop((slot, hold));
                value
            }
            // The caller's span and subscriber go along, so the call's log
            // lines read as before (a test's own subscriber included).
            .instrument(tracing::Span::current())
            .with_current_subscriber(),
        );
        task.await.map_err(|error| {
            if error.is_panic() {
                "the host panicked while running the plugin call".to_string()
            } else {
                "the plugin call was cancelled".to_string()
            }
        })
    }
}

impl Drop for CallPool {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// A call that blocks its thread (as a spinning plugin does between epoch
    /// ticks) leaves the caller's runtime free.
    #[tokio::test(flavor = "current_thread")]
    async fn busy_calls_do_not_occupy_the_callers_runtime() {
        let pool = CallPool::new(1, 4).unwrap();
        let busy = pool.run(
            async {
                std::thread::sleep(Duration::from_millis(300));
                7
            },
            (),
        );
        let started = Instant::now();
        let probe = async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            started.elapsed()
        };
        let (value, waited) = tokio::join!(busy, probe);
        assert_eq!(value, Ok(7));
        assert!(
            waited < Duration::from_millis(200),
            "the caller's only thread was blocked for {waited:?}"
        );
    }

    #[tokio::test]
    async fn calls_past_the_cap_wait_for_a_slot() {
        let pool = Arc::new(CallPool::new(2, 1).unwrap());
        let running = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let calls = (0..4).map(|_| {
            let (running, most) = (running.clone(), most.clone());
            let pool = pool.clone();
            async move {
                pool.run(
                    async move {
                        use std::sync::atomic::Ordering::SeqCst;
                        let now = running.fetch_add(1, SeqCst) + 1;
                        most.fetch_max(now, SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        running.fetch_sub(1, SeqCst);
                    },
                    (),
                )
                .await
            }
        });
        for outcome in futures::future::join_all(calls).await {
            assert_eq!(outcome, Ok(()));
        }
        assert_eq!(most.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_panicking_call_is_an_error_not_a_crash() {
        let pool = CallPool::new(1, 1).unwrap();
        let outcome: Result<(), String> = pool.run(async { panic!("boom") }, ()).await;
        assert_eq!(
            outcome,
            Err("the host panicked while running the plugin call".into())
        );
        assert_eq!(
            pool.run(async { 1 }, ()).await,
            Ok(1),
            "the pool still serves"
        );
    }
}
