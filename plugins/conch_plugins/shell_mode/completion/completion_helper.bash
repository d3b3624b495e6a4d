# Conch's completion helper: a private, non-interactive bash that runs the user's
# programmable completion (complete -F/-W/-C/-A specs, bash-completion) for Tab.
# It never sources the user's rc files, keeps no history and is never the session bash.
# Requests come on stdin, each ended by a NUL, and are eval'ed at top level (so that
# `declare` in synced definitions makes globals); every reply ends with the sentinel
# NUL 0x1e <token> 0x1f. Arguments: $1 token, $2 bash_completion script or "", $3 a
# scratch file (command output goes through it: a $(...) would cost a fork per query).

__conch_token=$1
__conch_scratch=$3
# Conch may exit without closing us: its end of stdin closes, the loop below ends, and
# the scratch directory (made for this helper by mkdtemp) goes with us.
trap 'builtin command rm -rf -- "${__conch_scratch%/*}"' EXIT
unset HISTFILE
set +o history
# readline's match-hidden-files off: compgen -f offers dotfiles only for a typed ".".
builtin bind 'set match-hidden-files off' 2>/dev/null
COMP_WORDBREAKS=$' \t\n"\'@><=;|&(:'
declare -A __conch_opt=() __conch_hidden=()

# Variables that bash-completion defines are its own, not the user's: hide them from
# `$` completion, like every __conch name.
builtin compgen -v >"$__conch_scratch"
builtin mapfile -t __conch_names <"$__conch_scratch"
if [[ -n $2 && -r $2 ]]; then
    builtin source "$2" >/dev/null 2>&1 </dev/null
fi
for __conch_name in "${__conch_names[@]}"; do
    __conch_hidden[$__conch_name]=0
done
builtin compgen -v >"$__conch_scratch"
builtin mapfile -t __conch_names <"$__conch_scratch"
for __conch_name in "${__conch_names[@]}"; do
    [[ ${__conch_hidden[$__conch_name]-} ]] || __conch_hidden[$__conch_name]=1
done
unset __conch_names __conch_name

# Outside a real Tab press the builtin refuses to change the options of the completion
# in progress: record them instead (a call naming commands still goes to the builtin).
compopt() {
    local -a __conch_args=("$@") __conch_on=() __conch_off=()
    local __conch_o
    while (($#)); do
        case $1 in
        -o) __conch_on+=("$2") && shift ;;
        +o) __conch_off+=("$2") && shift ;;
        --) shift && break ;;
        -*) ;;
        *) break ;;
        esac
        shift
    done
    if (($#)); then
        builtin compopt "${__conch_args[@]}"
        return
    fi
    for __conch_o in "${__conch_on[@]}"; do __conch_opt[$__conch_o]=1; done
    for __conch_o in "${__conch_off[@]}"; do __conch_opt[$__conch_o]=0; done
    return 0
}

# In a real Tab press, when the line holds quotes or backslashes, readline removes the
# quoting from compgen's word for file names: there `compgen -f -- '\"my'` gives "my dir"
# (checked), and bash-completion's _filedir relies on it. Do the same.
compgen() {
    local __conch_word __conch_a __conch_files=''
    # Callers often set IFS to a newline: nothing here may depend on it.
    if [[ -n ${__conch_found_quote-} ]] && (($# >= 2)) && [[ ${@: -2:1} == -- ]]; then
        for __conch_a in "${@:1:$#-2}"; do
            case $__conch_a in -f | -d | -G | file | directory) __conch_files=1 ;; esac
        done
    fi
    if [[ -n $__conch_files ]]; then
        __conch_dequote "${@: -1}"
        __conch_dequote "$__conch_word"
        builtin compgen "${@:1:$#-1}" "$__conch_word"
    else
        builtin compgen "$@"
    fi
}

# $1 without its quotes and backslashes, in __conch_word (nothing is expanded).
__conch_dequote() {
    local __conch_in=$1 __conch_c __conch_q='' __conch_i
    __conch_word=''
    for ((__conch_i = 0; __conch_i < ${#__conch_in}; __conch_i++)); do
        __conch_c=${__conch_in:__conch_i:1}
        if [[ $__conch_c == '\' && $__conch_q != "'" ]]; then
            ((__conch_i += 1))
            __conch_word+=${__conch_in:__conch_i:1}
        elif [[ -n $__conch_q && $__conch_c == "$__conch_q" ]]; then
            __conch_q=''
        elif [[ -z $__conch_q && ($__conch_c == "'" || $__conch_c == '"') ]]; then
            __conch_q=$__conch_c
        else
            __conch_word+=$__conch_c
        fi
    done
}

# Print name NUL value NUL for the variables the user has.
__conch_variables() {
    local __conch_n
    local -a __conch_all
    builtin compgen -v >"$__conch_scratch"
    builtin mapfile -t __conch_all <"$__conch_scratch"
    for __conch_n in "${__conch_all[@]}"; do
        [[ ${__conch_hidden[$__conch_n]-0} == 1 || $__conch_n == __conch* ]] && continue
        builtin printf '%s\0%s\0' "$__conch_n" "${!__conch_n-}"
    done
}

# The compspec bash would use for command $1 (itself, its basename, then -D) as the
# words of `complete -p`, in __conch_spec; its -o options go to __conch_opt.
__conch_find_spec() {
    local __conch_line='' __conch_i
    __conch_spec=()
    __conch_opt=()
    if builtin complete -p -- "$1" >"$__conch_scratch" 2>/dev/null ||
        { [[ $1 == */* ]] && builtin complete -p -- "${1##*/}" >"$__conch_scratch" 2>/dev/null; } ||
        builtin complete -p -D >"$__conch_scratch" 2>/dev/null; then
        IFS= builtin read -r -d '' __conch_line <"$__conch_scratch"
        builtin eval "__conch_spec=($__conch_line)" 2>/dev/null
    fi
    ((${#__conch_spec[@]})) || return 1
    for ((__conch_i = 1; __conch_i < ${#__conch_spec[@]}; __conch_i++)); do
        if [[ ${__conch_spec[__conch_i]} == -o ]]; then
            __conch_opt[${__conch_spec[++__conch_i]}]=1
        fi
    done
    return 0
}

# Run __conch_spec as bash's gen_compspec_completions does: actions, glob and word list,
# then the function, then the command; then -X filter, -P prefix, -S suffix on all.
# Returns 124 when the function asks for the spec to be looked up again (a loader).
__conch_run_spec() {
    local -a __conch_gen=() __conch_items=() __conch_lines=() __conch_kept=()
    local __conch_fn='' __conch_cmd='' __conch_filter='' __conch_prefix='' __conch_suffix=''
    local __conch_w __conch_i __conch_neg='' __conch_pat
    for ((__conch_i = 1; __conch_i < ${#__conch_spec[@]}; __conch_i++)); do
        __conch_w=${__conch_spec[__conch_i]}
        case $__conch_w in
        -o) ((__conch_i++)) ;;
        -F) __conch_fn=${__conch_spec[++__conch_i]} ;;
        -C) __conch_cmd=${__conch_spec[++__conch_i]} ;;
        -X) __conch_filter=${__conch_spec[++__conch_i]} ;;
        -P) __conch_prefix=${__conch_spec[++__conch_i]} ;;
        -S) __conch_suffix=${__conch_spec[++__conch_i]} ;;
        -A | -G | -W) __conch_gen+=("$__conch_w" "${__conch_spec[++__conch_i]}") ;;
        -[abcdefgjksuv]) __conch_gen+=("$__conch_w") ;;
        esac
    done
    if ((${#__conch_gen[@]})); then
        compgen "${__conch_gen[@]}" -- "$__conch_cur" >"$__conch_scratch" 2>/dev/null
        builtin mapfile -t __conch_items <"$__conch_scratch"
        # File and directory actions make bash treat the results as file names.
        for __conch_w in "${__conch_gen[@]}"; do
            case $__conch_w in -f | -d | -G | file | directory) __conch_opt[filenames]=1 ;; esac
        done
    fi
    if [[ -n $__conch_fn ]]; then
        COMPREPLY=()
        "$__conch_fn" "$__conch_command" "$__conch_cur" "$__conch_prev" >/dev/null 2>&1
        (($? == 124)) && return 124
        __conch_items+=("${COMPREPLY[@]}")
    fi
    if [[ -n $__conch_cmd ]]; then
        (builtin eval "$__conch_cmd"' "$__conch_command" "$__conch_cur" "$__conch_prev"') \
            >"$__conch_scratch" 2>/dev/null
        builtin mapfile -t __conch_lines <"$__conch_scratch"
        __conch_items+=("${__conch_lines[@]}")
    fi
    if [[ -n $__conch_filter ]]; then
        __conch_pat=${__conch_filter//&/"$__conch_cur"}
        if [[ $__conch_pat == '!'* ]]; then
            __conch_neg=1
            __conch_pat=${__conch_pat:1}
        fi
        for __conch_w in "${__conch_items[@]}"; do
            # shellcheck disable=SC2053
            if [[ $__conch_w == $__conch_pat ]]; then
                [[ -n $__conch_neg ]] && __conch_kept+=("$__conch_w")
            elif [[ -z $__conch_neg ]]; then
                __conch_kept+=("$__conch_w")
            fi
        done
        __conch_items=("${__conch_kept[@]}")
    fi
    if [[ -n $__conch_prefix$__conch_suffix ]]; then
        for __conch_i in "${!__conch_items[@]}"; do
            __conch_items[__conch_i]=$__conch_prefix${__conch_items[__conch_i]}$__conch_suffix
        done
    fi
    COMPREPLY=("${__conch_items[@]}")
    return 0
}

# One Tab press. Arguments: found-quote ("1" when the line up to the cursor holds quotes
# or backslashes, else "") COMP_CWORD COMP_POINT COMP_LINE cur prev COMP_WORDS...
# Prints "spec" (or "none" when no compspec applies), the options on, the spec's -F
# function (or ""), then COMPREPLY: each followed by a NUL.
__conch_complete() {
    local __conch_found_quote=$1 COMP_CWORD=$2 COMP_POINT=$3 COMP_LINE=$4 __conch_cur=$5
    local __conch_prev=$6
    shift 6
    local -a COMP_WORDS=("$@") COMPREPLY=() __conch_spec=()
    local COMP_TYPE=9 COMP_KEY=9 __conch_command=$1 __conch_try __conch_o __conch_on=''
    # -C commands read these from their environment.
    export COMP_LINE COMP_POINT COMP_TYPE COMP_KEY
    for __conch_try in 1 2 3; do
        if ! __conch_find_spec "$__conch_command"; then
            builtin printf 'none\0\0'
            return 0
        fi
        __conch_run_spec && break
    done
    for __conch_o in "${!__conch_opt[@]}"; do
        [[ ${__conch_opt[$__conch_o]} == 1 ]] && __conch_on+="$__conch_o "
    done
    local __conch_function=''
    for ((__conch_o = 1; __conch_o < ${#__conch_spec[@]}; __conch_o++)); do
        [[ ${__conch_spec[__conch_o]} == -F ]] && __conch_function=${__conch_spec[__conch_o + 1]}
    done
    builtin printf 'spec\0%s\0%s\0' "$__conch_on" "$__conch_function"
    ((${#COMPREPLY[@]} == 0)) || builtin printf '%s\0' "${COMPREPLY[@]}"
}

builtin printf '\0\036%s\037' "$__conch_token"
while IFS= builtin read -r -d '' __conch_request; do
    builtin eval "$__conch_request" </dev/null
    builtin printf '\0\036%s\037' "$__conch_token"
done
