import HermesCore

/// A capability the model can call.
///
/// Conformers are constructed lazily by the `ToolRegistry`, once per registry, and then called
/// from many tasks at once: they must be `Sendable` and keep per-session state in the
/// `ToolContext`, never in themselves.
public protocol Tool: Sendable {
    /// The name, description and JSON Schema of the arguments.
    var spec: ToolSpec { get }
    /// Whether calls may run at the same time as other parallel-safe calls of the same response
    /// (reads and network lookups: yes; writes and commands: no).
    var isParallelSafe: Bool { get }
    /// Runs one call. `arguments` has passed the schema check. The returned text goes back to the
    /// model as the tool result; throw `ToolError` for failures the model should read.
    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String
}

extension Tool {
    /// The tool's name.
    public var name: String { spec.name }
}
