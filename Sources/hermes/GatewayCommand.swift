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
            port). Settings come from flags, then the environment (API_SERVER_KEY, API_SERVER_HOST, \
            API_SERVER_PORT, HERMES_BASE_URL, HERMES_API_KEY, HERMES_MODEL, HERMES_DB, TELEGRAM_*, and \
            $HERMES_HOME/.env), then config.yaml (see the README), then the defaults; `hermes config show` \
            prints them with their sources. The agents' tools work in terminal.cwd, else MESSAGING_CWD, \
            else $HOME, as in the Python gateway. On SIGTERM it takes no new \
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
            var settings = try self.settings.resolve(flags)
            settings.workingDirectory = settings.messagingWorkingDirectory
            // Refused before the store or a port is opened.
            _ = try settings.apiServerKey()
            if let file = settings.configFile, !settings.unreadConfigKeys.isEmpty {
                Terminal.error(
                    "hermes: \(file): \(settings.unreadConfigKeys.count) key(s) this runtime does not read; `hermes config check` lists them\n")
            }
            let host = settings.gateway.host
            try await withRuntime(settings) { runtime in
                try await runtime.serve { port in Terminal.out("listening on http://\(host):\(port)\n") }
            }
        }
    }
}
