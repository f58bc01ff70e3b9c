//! "The branch of wiki W moved from A to B": the one notice that brings derived state up to date,
//! and the publisher that delivers it to every subscriber, once, whoever moved the branch.
//!
//! A write records the move it made; a reader that opens a wiki observes its head, which is how
//! moves made outside the server's own writes (a `git push`, a commit behind its back) are
//! noticed. Both go through one lock per wiki, so a move is published once and never backwards.
//! Subscribers run inline (cheap, keyed caches) or on a thread of their own, so that a slow one
//! (the search indexer) never makes a save wait.

use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};

use crate::error::Result;
use crate::object_id::ObjectId;
use crate::page_path::WikiSlug;
use crate::store::{Head, Location, Repo};

/// A move of a wiki's branch. `from` is `None` for the first commit of a repository. The
/// repository's location comes with it, so that a subscriber can read what changed.
#[derive(Clone, Debug)]
pub struct BranchMoved {
    pub wiki: WikiSlug,
    pub location: Location,
    pub from: Option<ObjectId>,
    pub to: ObjectId,
}

/// Something kept up to date by branch moves.
pub trait Subscriber: Send + Sync + 'static {
    fn branch_moved(&self, notice: &BranchMoved);
}

impl<F: Fn(&BranchMoved) + Send + Sync + 'static> Subscriber for F {
    fn branch_moved(&self, notice: &BranchMoved) {
        self(notice)
    }
}

enum Delivery {
    Inline(Arc<dyn Subscriber>),
    Thread(Mutex<mpsc::Sender<BranchMoved>>),
}

/// The publisher of branch moves.
#[derive(Default)]
pub struct Notices {
    /// The head last published for each wiki, behind one lock per wiki.
    heads: Mutex<HashMap<WikiSlug, Arc<Mutex<Option<ObjectId>>>>>,
    subscribers: RwLock<Vec<Delivery>>,
}

impl Notices {
    /// Delivers every notice to `subscriber` on the thread that published it.
    pub fn subscribe(&self, subscriber: impl Subscriber) {
        self.subscribers
            .write()
            .expect("subscribers lock is never poisoned")
            .push(Delivery::Inline(Arc::new(subscriber)));
    }

    /// Delivers every notice to `subscriber` on a thread of its own, in the order published:
    /// publishing never waits for it.
    pub fn subscribe_on_thread(&self, name: &str, subscriber: impl Subscriber) {
        let (sender, receiver) = mpsc::channel::<BranchMoved>();
        let spawned = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                for notice in receiver {
                    subscriber.branch_moved(&notice);
                }
            });
        match spawned {
            Ok(_) => self
                .subscribers
                .write()
                .expect("subscribers lock is never poisoned")
                .push(Delivery::Thread(Mutex::new(sender))),
            Err(error) => tracing::error!(%name, %error, "cannot start a subscriber's thread"),
        }
    }

    fn head_lock(&self, wiki: &WikiSlug) -> Arc<Mutex<Option<ObjectId>>> {
        self.heads
            .lock()
            .expect("heads lock is never poisoned")
            .entry(wiki.clone())
            .or_default()
            .clone()
    }

    /// Forgets the head last seen of a wiki whose repository went away (retired): a new
    /// repository of that slug starts without a move from a commit it does not have.
    pub fn forget(&self, wiki: &WikiSlug) {
        // Under the wiki's own head lock, so that a reader still holding it finishes first.
        *self
            .head_lock(wiki)
            .lock()
            .expect("head lock is never poisoned") = None;
    }

    /// Reads a wiki's head and publishes the move from the head last seen, if it changed: the
    /// way moves made by others than this server's writes are noticed.
    pub fn observe(
        &self,
        wiki: &WikiSlug,
        location: &Location,
        repo: &Repo,
    ) -> Result<Option<Head>> {
        let lock = self.head_lock(wiki);
        let mut known = lock.lock().expect("head lock is never poisoned");
        let head = repo.head()?;
        let mut moved = None;
        if let Some(head) = &head {
            if let Some(previous) = *known
                && previous != head.commit
            {
                moved = Some(self.queue(wiki, location, Some(previous), head.commit));
            }
            *known = Some(head.commit);
        }
        drop(known);
        if let Some(notice) = moved {
            self.deliver_inline(&notice);
        }
        Ok(head)
    }

    /// Runs `write`, which moves the branch (a compare-and-swap that may fail), with the wiki's
    /// head lock held, and publishes the move it made. A move someone else made before it is
    /// published first, so every subscriber sees each move once and in order.
    pub fn record<T>(
        &self,
        wiki: &WikiSlug,
        location: &Location,
        write: impl FnOnce() -> Result<Option<(Option<ObjectId>, ObjectId, T)>>,
    ) -> Result<Option<T>> {
        let lock = self.head_lock(wiki);
        let mut known = lock.lock().expect("head lock is never poisoned");
        let Some((from, to, value)) = write()? else {
            return Ok(None);
        };
        let mut moved = Vec::new();
        if let (Some(previous), Some(from)) = (*known, from)
            && previous != from
        {
            moved.push(self.queue(wiki, location, Some(previous), from));
        }
        moved.push(self.queue(wiki, location, from, to));
        *known = Some(to);
        drop(known);
        for notice in &moved {
            self.deliver_inline(notice);
        }
        Ok(Some(value))
    }

    /// Logs a move and hands it to the threaded subscribers, in order (under the head lock).
    fn queue(
        &self,
        wiki: &WikiSlug,
        location: &Location,
        from: Option<ObjectId>,
        to: ObjectId,
    ) -> BranchMoved {
        let notice = BranchMoved {
            wiki: wiki.clone(),
            location: location.clone(),
            from,
            to,
        };
        tracing::info!(wiki = %wiki, from = %from.map_or_else(|| "none".to_owned(), |id| id.to_string()), %to, "branch moved");
        for delivery in self
            .subscribers
            .read()
            .expect("subscribers lock is never poisoned")
            .iter()
        {
            if let Delivery::Thread(sender) = delivery {
                // A subscriber whose thread ended has nothing left to keep up to date.
                let _ = sender
                    .lock()
                    .expect("sender lock is never poisoned")
                    .send(notice.clone());
            }
        }
        notice
    }

    fn deliver_inline(&self, notice: &BranchMoved) {
        let inline: Vec<Arc<dyn Subscriber>> = self
            .subscribers
            .read()
            .expect("subscribers lock is never poisoned")
            .iter()
            .filter_map(|delivery| match delivery {
                Delivery::Inline(subscriber) => Some(subscriber.clone()),
                Delivery::Thread(_) => None,
            })
            .collect();
        for subscriber in inline {
            subscriber.branch_moved(notice);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derived::tests::{repository, write};

    #[test]
    fn every_move_is_published_once_and_in_order_whoever_made_it() {
        let (dir, repo) = repository();
        let location = Location::new(dir.path().join("w.git"));
        let wiki = WikiSlug::parse("w").expect("a slug");
        let notices = Notices::default();
        let inline = Arc::new(Mutex::new(Vec::new()));
        let seen = inline.clone();
        notices.subscribe(move |notice: &BranchMoved| {
            seen.lock().expect("lock").push((notice.from, notice.to))
        });
        let (sender, threaded) = mpsc::channel();
        let sender = Mutex::new(sender);
        notices.subscribe_on_thread("test-subscriber", move |notice: &BranchMoved| {
            let _ = sender.lock().expect("lock").send((notice.from, notice.to));
        });

        // First sight of the head: nothing moved yet.
        let first = notices
            .observe(&wiki, &location, &repo)
            .expect("head")
            .expect("a commit");
        // A commit made behind the server's back, noticed by the next reader, twice.
        let second = write(&repo, &[("A.md", Some("a"))], "behind");
        notices.observe(&wiki, &location, &repo).expect("head");
        notices.observe(&wiki, &location, &repo).expect("head");
        // Another one behind its back, then a write of the server's own on top of it.
        let third = write(&repo, &[("B.md", Some("b"))], "behind again");
        let fourth = notices
            .record(&wiki, &location, || {
                let fourth = write(&repo, &[("C.md", Some("c"))], "own write");
                Ok(Some((Some(third), fourth, fourth)))
            })
            .expect("record")
            .expect("moved");
        // A write that did not move the branch publishes nothing.
        notices
            .record(&wiki, &location, || Ok(None::<(_, _, ())>))
            .expect("record");
        notices.observe(&wiki, &location, &repo).expect("head");

        let expected = vec![
            (Some(first.commit), second),
            (Some(second), third),
            (Some(third), fourth),
        ];
        assert_eq!(*inline.lock().expect("lock"), expected);
        let on_thread: Vec<_> = (0..3)
            .map(|_| {
                threaded
                    .recv_timeout(std::time::Duration::from_secs(10))
                    .expect("a notice on the subscriber's thread")
            })
            .collect();
        assert_eq!(on_thread, expected);
        assert!(threaded.try_recv().is_err(), "nothing published twice");
    }
}
