/// Stops the program with `message` when `condition` is false, in every build configuration.
///
/// Swift's `precondition` drops its message in optimized builds; shape misuse must still say which
/// shapes were involved, so the library's checks go through this function instead.
@inlinable @inline(__always)
public func tensorPrecondition(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                               file: StaticString = #file, line: UInt = #line) {
    if !condition() { tensorFailure(message(), file: file, line: line) }
}

/// Stops the program with `message` (kept out of line so the checks stay cheap on the hot path).
@inline(never)
public func tensorFailure(_ message: String, file: StaticString = #file, line: UInt = #line) -> Never {
    fatalError(message, file: file, line: line)
}
