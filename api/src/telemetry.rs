use tracing_subscriber::EnvFilter;

/// Installs the global `tracing` subscriber. Quiet by default: the hub logs
/// at `info`, its dependencies (SQL statements included) at `warn`.
/// `RUST_LOG` overrides, `-v` turns on the hub's debug logs.
pub fn init(verbose: bool) {
    let default = if verbose {
        "warn,hub=debug,search=debug"
    } else {
        "warn,hub=info,search=info"
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
