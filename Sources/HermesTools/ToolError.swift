import HermesCore

/// A tool call that failed. Its message goes back to the model as `{"error": "..."}`, so it says
/// what was wrong and what to do instead.
public struct ToolError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is (bounded: safe as a metric label).
    public enum Code: String, Sendable {
        /// The model named a tool that is not enabled.
        case unknownTool = "unknown_tool"
        /// The arguments broke the tool's schema.
        case invalidArguments = "invalid_arguments"
        /// The tool ran and failed (file missing, text not found, HTTP error...).
        case failed
        /// The tool ran past its time limit.
        case timeout
        /// A safety rule refused the call (a protected path).
        case refused
    }

    /// What kind of failure this is.
    public let code: Code
    /// What went wrong and what to do, for the model and for people.
    public let message: String
    /// Where it was made.
    public let file: String
    /// Where it was made.
    public let line: Int

    /// Makes an error; `file` and `line` default to the call site.
    public init(_ code: Code, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { message }

    /// The tool-result text the model receives.
    public var resultText: String { JSONValue.object(["error": .string(message)]).jsonText }
}
