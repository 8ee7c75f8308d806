import ArgumentParser
import HermesGateway
import HermesRuntime

/// `hermes gateway`: the OpenAI-compatible API server, until SIGTERM or SIGINT.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Serve the OpenAI-compatible API (and health checks) until SIGTERM or SIGINT.",
        discussion: """
            Prints `listening on http://HOST:PORT` once it accepts connections (--port 0 picks a free \
            port). Settings come from flags, then the environment (API_SERVER_KEY, HERMES_BASE_URL, \
            HERMES_API_KEY, HERMES_MODEL, HERMES_DB, HERMES_WEB_BASE_URL, HERMES_WEB_API_KEY, TELEGRAM_*), \
            then the --config YAML file (see the README), then the defaults. On SIGTERM it takes no new \
            turns, lets running ones finish and be stored, and exits 0. Exit status 2: a setting that \
            cannot be used (named with its source); 1: the store or the server failed.
            """
    )

    @Option(name: .long, help: "Address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on; 0 picks a free one (default 8642).")
    var port: Int?

    @OptionGroup var settings: SettingsOptions

    func run() async throws {
        var flags = SettingsFlags()
        flags.host = host
        flags.port = port
        try await Failure.reporting {
            let settings = try self.settings.resolve(flags)
            // Refused before the store or a port is opened.
            _ = try settings.apiServerKey()
            let host = settings.gateway.host
            try await withRuntime(settings) { runtime in
                try await runtime.serve { port in Terminal.out("listening on http://\(host):\(port)\n") }
            }
        }
    }
}
