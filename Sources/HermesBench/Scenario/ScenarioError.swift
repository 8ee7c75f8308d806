/// A scenario file that cannot be used: where (file and line) and what to write instead.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public var file: String
    /// The line (1-based), or 0 when the problem is the file as a whole.
    public var line: Int
    /// What is wrong — what to write instead.
    public var message: String

    /// Makes an error.
    public init(file: String, line: Int, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `FILE:LINE: message`.
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
