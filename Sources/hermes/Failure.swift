import ArgumentParser
import HermesAgent
import HermesConfig
import HermesCore
import HermesStore

/// How `hermes` reports a failure: one line on standard error, `hermes: <what went wrong and
/// what to do>`, and the exit status of its kind (`ExitStatus`): a setting that cannot be used
/// is bad input (2), a store or a turn that failed is a failure (1).
enum Failure {
    /// Prints `error` and returns the exit to throw.
    static func report(_ error: any Error) -> any Error {
        switch error {
        case is ExitCode, is ValidationError, is CleanExit:
            return error
        case let error as ConfigError:
            Terminal.error("hermes: \(error)\n")
            return ExitCode(ExitStatus.badInput.rawValue)
        case let error as StoreError:
            Terminal.error("hermes: \(error)\n")
            return ExitCode(ExitStatus.failure.rawValue)
        case let error as AgentError:
            Terminal.error("hermes: \(error.message)\n")
            return ExitCode(ExitStatus.failure.rawValue)
        default:
            Terminal.error("hermes: \(error)\n")
            return ExitCode(ExitStatus.failure.rawValue)
        }
    }

    /// Runs `body`, reporting what it throws.
    static func reporting<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw report(error)
        }
    }
}
