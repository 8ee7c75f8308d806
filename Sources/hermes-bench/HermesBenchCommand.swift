import ArgumentParser
import HermesCore

/// The `hermes-bench` command: simulators and benchmarks.
@main
struct HermesBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hermes-bench",
        abstract: "Load, latency and allocation benchmarks for the Hermes runtime.",
        version: HermesVersion.current,
        subcommands: [
            RunCommand.self, ValidateCommand.self, ListCommand.self, SimCommand.self, MicroCommand.self, StoreCommand.self, GateCommand.self,
            CompareCommand.self, MergeCommand.self, ServeCommand.self,
        ]
    )
}
