// LeakSanitizer's built-in suppressions for the eval tests (read when the
// tests run under ASan, unused otherwise). libx265 keeps a few small
// allocations of every encoder it opens (x265_copy_params, x265_param_parse
// strdup their strings and never free them); the leak is theirs, not ours.
extern "C" const char* __lsan_default_suppressions() { return "leak:libx265.so\n"; }
