import Wasm2NativeDriver

RootCommand.mainWithUsageExitCode()
