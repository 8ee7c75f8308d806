/// Why a simulator could not start (a configuration that cannot be used fails with
/// `ConfigError` instead, naming the file and line).
public struct SimulatorError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for a person.
    public let message: String
    /// Makes an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
