import Foundation

extension FileHandle {
    /// The next line (without its newline) read from this handle, or what came before the end of
    /// input. The blocking reads run on a Dispatch thread, so the awaiting task holds no thread of
    /// the cooperative pool while a child process starts up.
    func nextLine() async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var bytes = Data()
                while true {
                    let byte = self.readData(ofLength: 1)
                    if byte.isEmpty || byte.first == UInt8(ascii: "\n") { break }
                    bytes.append(byte)
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
    }
}
