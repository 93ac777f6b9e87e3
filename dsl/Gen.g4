// The .gen language grammar (see LANGUAGE.md); C++ lexer and parser are generated at build time.
grammar Gen;

@parser::members {
  /// In `every N steps`, is the STEPS/EPOCHS/EPOCH token at LA(1) the period's unit, or
  /// the next train setting (`log every 100  steps 3000`)? It is a unit unless a value follows.
  bool periodUnitFollows() {
    size_t next = _input->LA(2);
    return next != NUMBER && next != ID && next != STRING && next != LPAREN &&
           next != LBRACK && next != MINUS && next != TRUE && next != FALSE && next != NOT;
  }
}

// ---------------------------------------------------------------- declarations

program : (topDecl | SEMI)* EOF ;

topDecl
  : useDecl
  | dataDecl
  | blockDecl
  | invertibleDecl
  | modelDecl
  | trainDecl
  ;

useDecl : USE (qualifiedName | STRING) ;
qualifiedName : ident (DOT ident)* ;

dataDecl : DATA ident ASSIGN callOrName (PIPE callOrName)* ;

blockDecl : BLOCK ident LPAREN paramList? RPAREN block ;

invertibleDecl
  : INVERTIBLE ident LPAREN paramList? RPAREN
    LBRACE SEMI* FORWARD block SEMI* INVERSE block SEMI* RBRACE
  ;

modelDecl : MODEL ident LPAREN hyperList? RPAREN LBRACE (modelItem | SEMI)* RBRACE ;

hyperList : hyper (COMMA hyper)* COMMA? ;
hyper : ident COLON expr ;

modelItem
  : roleKeyword ident LPAREN paramList? RPAREN ARROW type block          # roleItem
  | SCHEDULE ident ASSIGN callOrName                                       # scheduleItem
  | PRIOR ident ASSIGN expr                                                # priorItem
  | OBJECTIVE callOrName                                                   # objectiveItem
  | SAMPLER callOrName                                                     # samplerItem
  // A misspelt role (a plain identifier, never a role keyword): reported as UnknownRole.
  | ID ident LPAREN paramList? RPAREN (ARROW type)? block                  # unknownRoleItem
  ;

roleKeyword : ENCODER | DECODER | GENERATOR | DISCRIMINATOR | FLOW | DENOISER | AUTOREGRESSIVE ;

trainDecl : TRAIN ident ON ident LBRACE (trainSetting | SEMI)* RBRACE ;

trainSetting
  : key=(BATCH | EPOCHS | STEPS | SEED | CLIP_GRAD | EMA) expr            # valueSetting
  | key=(OPTIMIZER | LR_SCHEDULE) callOrName                               # callSetting
  | key=(DEVICE | PRECISION) ident                                         # nameSetting
  | CHECKPOINT EVERY period (TO STRING)?                                   # checkpointSetting
  | LOG EVERY period                                                       # logSetting
  | EVAL ON ident (EVERY period)?                                          # evalSetting
  | SAMPLE expr (EVERY period)? (TO STRING)?                               # sampleSetting
  // A misspelt setting (a plain identifier): sema reports it as UnknownTrainSetting.
  | ID expr                                                                # unknownSetting
  ;

period
  : EPOCH
  | expr ({periodUnitFollows()}? unit=(STEPS | EPOCHS | EPOCH))?
  ;

// ---------------------------------------------------------------- parameters and types

paramList : param (COMMA param)* COMMA? ;
param : ident (COLON type)? (ASSIGN expr)? ;

type
  : LBRACK exprList? RBRACK                                                # tensorType
  | TOKENS LBRACK expr RBRACK OF expr                                      # tokensType
  | LABEL OF expr                                                          # labelType
  | TIME                                                                   # timeType
  | FN                                                                     # fnType
  | ident                                                                  # namedType
  ;

// ---------------------------------------------------------------- statements

block : LBRACE body RBRACE ;
body : (stmt | SEMI)* ;

stmt
  : ident ASSIGN expr                                                      # assignStmt
  | RETURN expr                                                            # returnStmt
  | REPEAT ident IN expr DOTDOT expr block                                  # repeatRangeStmt
  | REPEAT expr block                                                      # repeatStmt
  | ifStmt                                                                 # ifStmtAlt
  ;

ifStmt : IF expr block (ELSE (ifStmt | block))? ;

// ---------------------------------------------------------------- expressions
// Lowest to highest: ?:  or  and  not  comparisons  |>  + -  * / % @  unary -  [index]

// The else branch loops instead of recursing, so `a ? b : c ? d : e` chains stay flat;
// the frontend folds them to the right.
expr : orExpr (QUESTION expr COLON orExpr)* ;
orExpr : andExpr (OR andExpr)* ;
andExpr : notExpr (AND notExpr)* ;
notExpr : NOT notExpr | cmpExpr ;
cmpExpr : pipeExpr (op=(EQ | NE | LT | LE | GT | GE) pipeExpr)? ;
pipeExpr : addExpr (PIPE callOrName)* ;
addExpr : mulExpr (addOp mulExpr)* ;
addOp : PLUS | MINUS ;
mulExpr : unaryExpr (mulOp unaryExpr)* ;
mulOp : STAR | SLASH | PERCENT | AT ;
unaryExpr : MINUS unaryExpr | postfixExpr ;
postfixExpr : primary (LBRACK expr RBRACK)* ;

primary
  : NUMBER                                                                 # numberExpr
  | STRING                                                                 # stringExpr
  | (TRUE | FALSE)                                                         # boolExpr
  | ident LPAREN argList? RPAREN                                            # callExpr
  | ident                                                                  # nameExpr
  | LBRACK exprList? RBRACK                                                # listExpr
  | LPAREN expr RPAREN                                                     # parenExpr
  ;

callOrName : ident (LPAREN argList? RPAREN)? ;
argList : arg (COMMA arg)* COMMA? ;
arg : ident COLON expr | expr ;
exprList : expr (COMMA expr)* COMMA? ;

/// Identifiers, including the contextual keywords that only mean something in one place.
ident
  : ID
  | DATA | MODEL | TRAIN | ON | FORWARD | INVERSE
  | ENCODER | DECODER | GENERATOR | DISCRIMINATOR | FLOW | DENOISER | AUTOREGRESSIVE
  | SCHEDULE | PRIOR | OBJECTIVE | SAMPLER
  | BATCH | EPOCHS | STEPS | SEED | CLIP_GRAD | EMA | OPTIMIZER | LR_SCHEDULE
  | DEVICE | PRECISION | CHECKPOINT | EVERY | TO | LOG | EVAL | SAMPLE | EPOCH
  | TOKENS | OF | LABEL | TIME | FN
  ;

// ---------------------------------------------------------------- lexer
// Reserved words.
USE : 'use' ;
BLOCK : 'block' ;
INVERTIBLE : 'invertible' ;
RETURN : 'return' ;
REPEAT : 'repeat' ;
IN : 'in' ;
IF : 'if' ;
ELSE : 'else' ;
TRUE : 'true' ;
FALSE : 'false' ;
AND : 'and' ;
OR : 'or' ;
NOT : 'not' ;

// Contextual keywords (also identifiers, see `ident`). Keep them one run from DATA to FN:
// the frontend's error messages treat that token range as identifiers.
DATA : 'data' ;
MODEL : 'model' ;
TRAIN : 'train' ;
ON : 'on' ;
FORWARD : 'forward' ;
INVERSE : 'inverse' ;
ENCODER : 'encoder' ;
DECODER : 'decoder' ;
GENERATOR : 'generator' ;
DISCRIMINATOR : 'discriminator' ;
FLOW : 'flow' ;
DENOISER : 'denoiser' ;
AUTOREGRESSIVE : 'autoregressive' ;
SCHEDULE : 'schedule' ;
PRIOR : 'prior' ;
OBJECTIVE : 'objective' ;
SAMPLER : 'sampler' ;
BATCH : 'batch' ;
EPOCHS : 'epochs' ;
STEPS : 'steps' ;
SEED : 'seed' ;
CLIP_GRAD : 'clip_grad' ;
EMA : 'ema' ;
OPTIMIZER : 'optimizer' ;
LR_SCHEDULE : 'lr_schedule' ;
DEVICE : 'device' ;
PRECISION : 'precision' ;
CHECKPOINT : 'checkpoint' ;
EVERY : 'every' ;
TO : 'to' ;
LOG : 'log' ;
EVAL : 'eval' ;
SAMPLE : 'sample' ;
EPOCH : 'epoch' ;
TOKENS : 'tokens' ;
OF : 'of' ;
LABEL : 'label' ;
TIME : 'time' ;
FN : 'fn' ;

ID : [A-Za-z_] [A-Za-z0-9_]* ;
NUMBER : [0-9]+ ('.' [0-9]+)? ([eE] [+-]? [0-9]+)? ;

// A string with only \" and \\ escapes; BAD_STRING (same length, listed later) has another escape.
STRING : '"' ( '\\' ["\\] | ~["\\\r\n] )* '"' ;
BAD_STRING : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* '"' ;
UNTERMINATED_STRING : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* '\\'? ;

PIPE : '|>' ;
ARROW : '->' ;
DOTDOT : '..' ;
DOT : '.' ;
EQ : '==' ;
NE : '!=' ;
LE : '<=' ;
GE : '>=' ;
LT : '<' ;
GT : '>' ;
ASSIGN : '=' ;
PLUS : '+' ;
MINUS : '-' ;
STAR : '*' ;
SLASH : '/' ;
PERCENT : '%' ;
AT : '@' ;
QUESTION : '?' ;
COLON : ':' ;
COMMA : ',' ;
SEMI : ';' ;
LPAREN : '(' ;
RPAREN : ')' ;
LBRACK : '[' ;
RBRACK : ']' ;
LBRACE : '{' ;
RBRACE : '}' ;

// The frontend feeds the lexer one code point per byte, so a UTF-8 byte-order mark is 3 chars.
BOM : '\u00EF\u00BB\u00BF' -> skip ;
WS : [ \t\r\n\f]+ -> skip ;
LINE_COMMENT : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
// Never contains `*/`, so it only wins (by length) when the comment is not closed.
UNTERMINATED_COMMENT : '/*' ( ~'*' | '*'+ ~[*/] )* '*'* ;

// Anything else: one UTF-8 encoded character (lead byte and continuation bytes) or one byte.
ERROR_CHAR : [\u00C0-\u00F7] [\u0080-\u00BF]* | . ;
