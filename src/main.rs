//! The `konbit` command: parses the command line, sets up logging and the runtime, and hands
//! over to the library. No domain logic lives here.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};

use konbit::farm::Farm;
use konbit::web::listen::Limits;
use konbit::web::{self, AppState, GitServer};

/// A wiki farm: many git-backed Markdown wikis, one member roster.
#[derive(Parser)]
#[command(name = "konbit", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the farm over HTTP. The configuration is re-read when its files change.
    Serve {
        /// The configuration folder (farm.toml, roster.toml).
        #[arg(long, default_value = "farm-config")]
        config: PathBuf,
        /// The data folder holding one bare git repository per wiki [default: the config's data_dir].
        #[arg(long)]
        data: Option<PathBuf>,
        /// Address and port to listen on [default: the config's listen, else 127.0.0.1:8080].
        #[arg(long)]
        listen: Option<String>,
        /// Seconds a client has to send a request head: from the connection's opening for the
        /// first, from its first byte for later ones; slower connections are closed.
        #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
        header_timeout: u64,
        /// Seconds a connection may stay open with no request in flight after an answer.
        /// A request in flight (a long clone or push) is never cut.
        #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
        idle_timeout: u64,
        /// Connections open at once; beyond it idle connections are closed to make room, else a
        /// new connection waits until one ends.
        #[arg(long, value_name = "N", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        max_connections: u64,
        /// Seconds the body of a clone's or push's request may go without a byte, or its answer
        /// unread, before the request is ended (a client gone without closing); a push still
        /// runs to its end. A body that keeps coming, however slowly, is never cut.
        #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
        git_body_timeout: u64,
        /// Clones, fetches and pushes served at once (each runs git's processes until it ends);
        /// beyond it a newcomer is answered 503 with Retry-After, and its git client says so.
        #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=4096))]
        max_git_exchanges: u64,
        /// Serve without the link index (no backlinks, wanted or orphan pages, links into other
        /// wikis shown as missing): to measure what the index costs a save.
        #[arg(long, hide = true)]
        without_link_index: bool,
    },
    /// Validate the configuration; print each error with file, line and key, and exit non-zero
    /// if there is any.
    Check {
        /// The configuration folder (farm.toml, roster.toml).
        #[arg(long, default_value = "farm-config")]
        config: PathBuf,
    },
    /// Rebuild the search index from the wikis' branches, with a progress bar and a summary.
    /// The server must be stopped (a running one keeps the index up to date itself).
    Reindex {
        /// The configuration folder (farm.toml, roster.toml).
        #[arg(long, default_value = "farm-config")]
        config: PathBuf,
        /// The data folder holding one bare git repository per wiki [default: the config's data_dir].
        #[arg(long)]
        data: Option<PathBuf>,
        /// Rebuild this wiki only (its slug) [default: every wiki].
        #[arg(long, value_name = "SLUG")]
        wiki: Option<String>,
    },
    /// Read a password on standard input and print its argon2id PHC string, for roster.toml.
    HashPassword,
    /// Run one of the hooks git calls during a push (installed by `serve`; not for people).
    #[command(hide = true)]
    Hook {
        /// pre-receive or post-receive.
        name: String,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            config,
            data,
            listen,
            header_timeout,
            idle_timeout,
            max_connections,
            git_body_timeout,
            max_git_exchanges,
            without_link_index,
        } => serve(
            config,
            data,
            listen,
            !without_link_index,
            Limits {
                header_timeout: Duration::from_secs(header_timeout),
                idle_timeout: Duration::from_secs(idle_timeout),
                max_connections: usize::try_from(max_connections).unwrap_or(usize::MAX),
            },
            Duration::from_secs(git_body_timeout),
            usize::try_from(max_git_exchanges).unwrap_or(usize::MAX),
        ),
        Command::Check { config } => match konbit::config::load(&config) {
            Ok(loaded) => {
                for warning in konbit::config::warnings(&config, &loaded) {
                    eprintln!("warning: {warning}");
                }
                println!(
                    "{}: {} wikis, {} people, {} organisations: valid",
                    config.display(),
                    loaded.wikis.len(),
                    loaded.roster.people.len(),
                    loaded.roster.organisations.len()
                );
                Ok(())
            }
            Err(errors) => {
                eprintln!("{errors}");
                std::process::exit(1);
            }
        },
        Command::Reindex { config, data, wiki } => reindex(config, data, wiki),
        Command::Hook { name } => std::process::exit(konbit::hook::run(&name)),
        Command::HashPassword => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password on standard input")?;
            // A password typed at a prompt or piped with echo ends with a newline that is not part
            // of it.
            let password = password.strip_suffix('\n').unwrap_or(&password);
            let password = password.strip_suffix('\r').unwrap_or(password);
            if password.is_empty() {
                anyhow::bail!("the password is empty");
            }
            let hash = konbit::roster::hash_password(password)
                .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?;
            println!("{hash}");
            Ok(())
        }
    }
}

fn reindex(config: PathBuf, data: Option<PathBuf>, only: Option<String>) -> anyhow::Result<()> {
    let farm = match Farm::load(&config) {
        Ok(farm) => farm,
        Err(errors) => {
            eprintln!("{errors}");
            std::process::exit(1);
        }
    };
    if let Some(data) = data {
        farm.set_data_dir(&data);
    }
    let (mut indexer, wikis) = match farm.indexer(only.as_deref()) {
        Ok(found) => found,
        Err(konbit::error::Error::NotFound) => anyhow::bail!(
            "{}: there is no wiki `{}` in farm.toml",
            config.display(),
            only.unwrap_or_default()
        ),
        Err(error) => anyhow::bail!("{error}"),
    };
    let started = std::time::Instant::now();
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template(
            "{prefix:>16} [{bar:40}] {pos}/{len} pages, {elapsed}",
        )
        .expect("the progress template is valid")
        .progress_chars("=> "),
    );
    let rebuilt = indexer
        .rebuild(&wikis, |progress| {
            if bar.prefix() != progress.wiki.as_str() {
                bar.set_prefix(progress.wiki.as_str().to_owned());
                bar.reset();
            }
            bar.set_length(progress.total as u64);
            bar.set_position(progress.done as u64);
        })
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    bar.finish_and_clear();
    println!(
        "search index rebuilt: {} wikis, {} pages, in {:.1} s",
        rebuilt.wikis,
        rebuilt.pages,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn serve(
    config: PathBuf,
    data: Option<PathBuf>,
    listen: Option<String>,
    link_index: bool,
    limits: Limits,
    git_body_timeout: Duration,
    max_git_exchanges: usize,
) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "konbit=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();

    let farm = match Farm::load(&config) {
        Ok(farm) => farm,
        Err(errors) => {
            eprintln!("{errors}");
            std::process::exit(1);
        }
    };
    for warning in konbit::config::warnings(&config, &farm.config()) {
        tracing::warn!("{warning}");
    }
    if let Some(data) = data {
        farm.set_data_dir(&data);
    }
    farm.clear_leftovers();
    farm.prepare_repositories();
    farm.record_found_on_disk();
    if let Err(error) = farm.start_search() {
        tracing::error!(%error, "search is unavailable");
    }
    if link_index {
        farm.start_links(true);
    }
    konbit::roster::prepare();
    let listen = match listen {
        Some(listen) => listen,
        None => farm.config().farm.listen.to_string(),
    };

    web::listen::prepare_descriptors(&limits);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = web::listen::bind(&listen)
            .await
            .with_context(|| format!("listening on {listen}"))?;
        let address = listener.local_addr()?;
        // Tests and scripts read this line to learn the port when listening on port 0.
        println!("konbit listening on http://{address}");
        tracing::info!(%address, config = %config.display(), "serving the farm");
        let state = Arc::new(AppState {
            farm: Arc::new(farm),
            sessions: Default::default(),
            git: GitServer::detect(git_body_timeout, max_git_exchanges),
        });
        web::serve(state, listener, limits, shutdown_signal())
            .await
            .context("serving HTTP")
    })
}

/// Resolves at the first SIGTERM or Ctrl-C: the server then answers the requests in flight and
/// ends. A second one ends it at once.
async fn shutdown_signal() {
    stop_signal().await;
    tracing::info!(
        "shutting down: answering the requests in flight (a second signal stops at once)"
    );
    tokio::spawn(async {
        stop_signal().await;
        tracing::warn!("stopped at once, requests in flight cut");
        std::process::exit(130);
    });
}

async fn stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("installing the SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
