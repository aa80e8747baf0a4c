use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    dondoc::cli::run().await
}
