;; -O0 on x86_64: an out-of-bounds load whose value is unused did not trap. FastISel, LLVM's
;; instruction selection at -O0, drops a call to inline assembly that writes no memory and whose
;; result is unused, so the trap point after the load (memory(read)) and the load with it
;; vanished. Unoptimised code now gets trap points without memory(read)
;; (LoweringOptions.trapPointsOnlyRead). From difftest seed 600145 at -O0.
(module
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "f")
    i32.const 1988429972
    i64.load16_s offset=55270
    drop
    ;; Not reached: the load traps.
    i32.const 1
    global.set $g))
