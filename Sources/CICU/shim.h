#ifndef VERBATIM_CICU_SHIM_H
#define VERBATIM_CICU_SHIM_H
// Debian's ICU renames every C function with a version suffix (ubrk_open -> ubrk_open_72) through
// macros that Swift cannot see. These static inline wrappers give Swift stable names.
#include <unicode/utypes.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/ures.h>

// Exported by ICU but declared only in an internal header; urename.h gives it the version suffix.
U_CAPI UResourceBundle *U_EXPORT2 ures_getByKeyWithFallback(const UResourceBundle *resB, const char *inKey,
                                                          UResourceBundle *fillIn, UErrorCode *status);

static inline UBreakIterator *cicu_ubrk_open(UBreakIteratorType type, const char *locale, UErrorCode *status) {
    return ubrk_open(type, locale, NULL, 0, status);
}
static inline void cicu_ubrk_close(UBreakIterator *bi) { ubrk_close(bi); }
static inline void cicu_ubrk_setUText(UBreakIterator *bi, UText *text, UErrorCode *status) {
    ubrk_setUText(bi, text, status);
}
static inline void cicu_ubrk_setText(UBreakIterator *bi, const UChar *text, int32_t length, UErrorCode *status) {
    ubrk_setText(bi, text, length, status);
}
static inline int32_t cicu_ubrk_first(UBreakIterator *bi) { return ubrk_first(bi); }
static inline int32_t cicu_ubrk_next(UBreakIterator *bi) { return ubrk_next(bi); }
static inline int32_t cicu_ubrk_getRuleStatus(UBreakIterator *bi) { return ubrk_getRuleStatus(bi); }

static inline UText *cicu_utext_openUTF8(UText *ut, const char *s, int64_t length, UErrorCode *status) {
    return utext_openUTF8(ut, s, length, status);
}
static inline UText *cicu_utext_close(UText *ut) { return utext_close(ut); }

static inline const UNormalizer2 *cicu_unorm2_getNFKCCasefoldInstance(UErrorCode *status) {
    return unorm2_getNFKCCasefoldInstance(status);
}
static inline int32_t cicu_unorm2_normalize(const UNormalizer2 *n, const UChar *src, int32_t length,
                                            UChar *dest, int32_t capacity, UErrorCode *status) {
    return unorm2_normalize(n, src, length, dest, capacity, status);
}
static inline const char *cicu_u_errorName(UErrorCode code) { return u_errorName(code); }

static inline UChar *cicu_u_strFromUTF8WithSub(UChar *dest, int32_t capacity, int32_t *length,
                                              const char *src, int32_t srcLength, UErrorCode *status) {
    return u_strFromUTF8WithSub(dest, capacity, length, src, srcLength, 0xFFFD, NULL, status);
}
static inline char *cicu_u_strToUTF8(char *dest, int32_t capacity, int32_t *length,
                                     const UChar *src, int32_t srcLength, UErrorCode *status) {
    return u_strToUTF8(dest, capacity, length, src, srcLength, status);
}
/// The strings after which the locale's sentence iterator with `ss=standard` suppresses breaks
/// ("Mr.", "Ph.D.", ...), looked up as ICU's filtered break iterator builder looks them up, written to
/// `buffer` one after another, each followed by a 0. Returns the number of units written: 0 when the
/// locale has none (a locale that falls back to root has none), -1 when `capacity` is too small.
static inline int32_t cicu_sentence_break_exceptions(const char *baseLocale, UChar *buffer, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t written = 0;
    UResourceBundle *bundle = ures_open(U_ICUDATA_NAME "-brkitr", baseLocale, &status);
    UResourceBundle *exceptions = NULL, *sentence = NULL;
    if (U_SUCCESS(status) && status != U_USING_DEFAULT_WARNING) {
        exceptions = ures_getByKeyWithFallback(bundle, "exceptions", NULL, &status);
    }
    if (exceptions && U_SUCCESS(status) && status != U_USING_DEFAULT_WARNING) {
        sentence = ures_getByKeyWithFallback(exceptions, "SentenceBreak", NULL, &status);
    }
    if (sentence && U_SUCCESS(status) && status != U_USING_DEFAULT_WARNING) {
        int32_t count = ures_getSize(sentence);
        for (int32_t i = 0; i < count && written >= 0; i++) {
            int32_t length = 0;
            UErrorCode itemStatus = U_ZERO_ERROR;
            const UChar *item = ures_getStringByIndex(sentence, i, &length, &itemStatus);
            if (U_FAILURE(itemStatus)) continue;
            if (written + length + 1 > capacity) { written = -1; break; }
            for (int32_t k = 0; k < length; k++) buffer[written + k] = item[k];
            buffer[written + length] = 0;
            written += length + 1;
        }
    }
    if (sentence) ures_close(sentence);
    if (exceptions) ures_close(exceptions);
    if (bundle) ures_close(bundle);
    return written;
}
static inline int cicu_is_failure(UErrorCode code) { return U_FAILURE(code) ? 1 : 0; }
#endif
