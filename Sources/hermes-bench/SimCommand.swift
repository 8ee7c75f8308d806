import ArgumentParser
import Foundation
import HermesBench
import HermesCore
import HermesSimulators
import Hummingbird

/// `hermes-bench sim …`: the simulators, standalone.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run a simulator of the outside world on loopback.",
        subcommands: [LLMCommand.self, PlatformCommand.self]
    )

    /// `hermes-bench sim llm`: the OpenAI-compatible LLM simulator.
    struct LLMCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "llm",
            abstract: "Serve a simulated OpenAI-compatible /v1/chat/completions.",
            discussion: "Prints 'listening on URL' when ready; point a client's base URL at it. Stops on SIGINT or SIGTERM."
        )

        @Option(name: .long, help: "Port to listen on; 0 picks a free one.")
        var port: Int = 0

        @Option(name: .long, help: "Address to bind.")
        var host: String = "127.0.0.1"

        @Option(name: .long, help: "Behaviour file (YAML or JSON): latency, speed, tool calls, errors.")
        var config: String?

        @Option(name: .long, help: "Behave as the llm: section (and seed) of this scenario file says, for a url target's server.")
        var scenario: String?

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port; use 0...65535") }
            if config != nil, scenario != nil { throw ValidationError("give --config or --scenario, not both") }
        }

        func run() async throws {
            let settings: LLMSimulatorConfig
            do {
                if let scenario {
                    settings = try ScenarioLoader.load(path: scenario).llm
                } else {
                    settings = try config.map(LLMSimulatorConfig.load(path:)) ?? LLMSimulatorConfig()
                }
            } catch {
                FileHandle.standardError.write(Data("hermes-bench: \(error)\n".utf8))
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
            let simulator = LLMSimulator(config: settings)
            let host = self.host
            let app = simulator.makeApplication(host: host, port: port) { bound in
                FileHandle.standardOutput.write(Data("listening on http://\(host):\(bound)/v1\n".utf8))
            }
            try await app.runService()
        }
    }

    /// `hermes-bench sim platform`: the chat platform (Telegram Bot API) simulator.
    struct PlatformCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "platform",
            abstract: "Serve a simulated Telegram Bot API (sendMessage, editMessageText) that records every call.",
            discussion: """
                Prints 'listening on URL' when ready; give that URL to the gateway as TELEGRAM_API_BASE_URL. \
                GET URL/sim/calls lists the calls received. Stops on SIGINT or SIGTERM.
                """
        )

        @Option(name: .long, help: "Port to listen on; 0 picks a free one.")
        var port: Int = 0

        @Option(name: .long, help: "Address to bind.")
        var host: String = "127.0.0.1"

        @Option(name: .long, help: "How long each call takes to answer, e.g. 20ms.")
        var delay: String = "0ms"

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port; use 0...65535") }
            guard Duration(parsing: delay) != nil else {
                throw ValidationError("--delay \(delay) is not a duration; write e.g. 20ms or 0.1s")
            }
        }

        func run() async throws {
            let simulator = PlatformSimulator(delay: Duration(parsing: delay) ?? .zero)
            let host = self.host
            let app = simulator.makeApplication(host: host, port: port) { bound in
                FileHandle.standardOutput.write(Data("listening on http://\(host):\(bound)\n".utf8))
            }
            try await app.runService()
        }
    }
}
