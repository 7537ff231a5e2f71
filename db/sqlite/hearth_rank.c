/*
** hearth_bm25(): FTS5's bm25() with each phrase's document count remembered between statements.
**
** bm25 needs, for each phrase of a query, how many documents hold it (its IDF). FTS5 stores no such
** count: bm25 walks the phrase's whole doclist once per statement to count, which is most of what
** ranking a very common word costs at a million posts (DECISIONS.md #86). This function computes the
** same score with the same formula (fts5_aux.c, k1 = 1.2, b = 0.75), but keeps each count on the
** connection and reuses it while the table's row count and token total are those it was counted
** at, so any write to the index counts anew.
**
**   hearth_bm25(<fts table>, <table name>, <phrase keys>, <column weights>...)
**
** <phrase keys> names the query's phrases in FTS5's order, joined by U+001F (the caller built the
** MATCH expression, so it knows them; a prefix phrase ends in "*"). When their number is not the
** query's phrase count, nothing is reused or kept: the score is bm25's, counted as bm25 counts.
**
** Built by `npm ci` (db/sqlite/build-extension.mjs); without a C compiler the app uses bm25 itself.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1
#include <math.h>
#include <string.h>

#define KEY_SEPARATOR '\x1f'
#define CACHE_SLOTS 4096

typedef struct CountEntry {
  char *zKey;               /* table name, U+001E, phrase key; sqlite3_malloc'd */
  int nKey;
  sqlite3_int64 nRow;       /* the table's size when the count was taken */
  sqlite3_int64 nToken;
  sqlite3_int64 nHit;       /* documents holding the phrase */
} CountEntry;

typedef struct CountCache {
  CountEntry aSlot[CACHE_SLOTS];
} CountCache;

typedef struct RankData {
  int nPhrase;
  double avgdl;
  double *aIDF;
  double *aFreq;
} RankData;

static unsigned int keyHash(const char *z, int n){
  unsigned int h = 2166136261u;
  int i;
  for(i=0; i<n; i++){ h ^= (unsigned char)z[i]; h *= 16777619u; }
  return h;
}

static int countCallback(const Fts5ExtensionApi *pApi, Fts5Context *pFts, void *pUser){
  (void)pApi; (void)pFts;
  (*(sqlite3_int64*)pUser)++;
  return SQLITE_OK;
}

/* How many segments `z` (n bytes) has, split on KEY_SEPARATOR. */
static int segmentCount(const char *z, int n){
  int i, count = 1;
  for(i=0; i<n; i++) if( z[i]==KEY_SEPARATOR ) count++;
  return count;
}

/* The document count of phrase `iPhrase`: remembered, or counted (and remembered under `zKey`). */
static int phraseDocuments(
  const Fts5ExtensionApi *pApi, Fts5Context *pFts, CountCache *pCache, int iPhrase,
  const char *zKey, int nKey, sqlite3_int64 nRow, sqlite3_int64 nToken, sqlite3_int64 *pnHit
){
  CountEntry *pEntry = 0;
  int rc;
  if( zKey ){
    pEntry = &pCache->aSlot[keyHash(zKey, nKey) % CACHE_SLOTS];
    if( pEntry->zKey && pEntry->nKey==nKey && memcmp(pEntry->zKey, zKey, nKey)==0
     && pEntry->nRow==nRow && pEntry->nToken==nToken ){
      *pnHit = pEntry->nHit;
      return SQLITE_OK;
    }
  }
  *pnHit = 0;
  rc = pApi->xQueryPhrase(pFts, iPhrase, (void*)pnHit, countCallback);
  if( rc==SQLITE_OK && pEntry ){
    char *zCopy = sqlite3_malloc(nKey);
    if( zCopy ){
      memcpy(zCopy, zKey, nKey);
      sqlite3_free(pEntry->zKey);
      pEntry->zKey = zCopy;
      pEntry->nKey = nKey;
      pEntry->nRow = nRow;
      pEntry->nToken = nToken;
      pEntry->nHit = *pnHit;
    }
  }
  return rc;
}

static int rankData(
  const Fts5ExtensionApi *pApi, Fts5Context *pFts, CountCache *pCache,
  sqlite3_value *pTable, sqlite3_value *pKeys, RankData **ppData
){
  RankData *p = (RankData*)pApi->xGetAuxdata(pFts, 0);
  int rc = SQLITE_OK;
  if( p==0 ){
    int nPhrase = pApi->xPhraseCount(pFts);
    sqlite3_int64 nRow = 0, nToken = 0;
    const char *zTable = (const char*)sqlite3_value_text(pTable);
    int nTable = sqlite3_value_bytes(pTable);
    const char *zKeys = (const char*)sqlite3_value_text(pKeys);
    int nKeys = sqlite3_value_bytes(pKeys);
    int reuse = zTable && zKeys && nPhrase>0 && segmentCount(zKeys, nKeys)==nPhrase;
    char *zKey = 0;
    int i, start = 0;

    p = (RankData*)sqlite3_malloc64(sizeof(RankData) + nPhrase*2*sizeof(double));
    if( p==0 ) return SQLITE_NOMEM;
    memset(p, 0, sizeof(RankData) + nPhrase*2*sizeof(double));
    p->nPhrase = nPhrase;
    p->aIDF = (double*)&p[1];
    p->aFreq = &p->aIDF[nPhrase];
    rc = pApi->xRowCount(pFts, &nRow);
    if( rc==SQLITE_OK ) rc = pApi->xColumnTotalSize(pFts, -1, &nToken);
    if( rc==SQLITE_OK ) p->avgdl = nRow>0 ? (double)nToken / (double)nRow : 1.0;
    if( rc==SQLITE_OK && reuse ){
      zKey = sqlite3_malloc(nTable + 1 + nKeys);
      if( zKey==0 ) rc = SQLITE_NOMEM;
      else{ memcpy(zKey, zTable, nTable); zKey[nTable] = '\x1e'; }
    }
    for(i=0; rc==SQLITE_OK && i<nPhrase; i++){
      sqlite3_int64 nHit = 0;
      int nKey = 0;
      if( zKey ){
        int end = start;
        while( end<nKeys && zKeys[end]!=KEY_SEPARATOR ) end++;
        memcpy(&zKey[nTable+1], &zKeys[start], end-start);
        nKey = nTable + 1 + (end-start);
        start = end + 1;
      }
      rc = phraseDocuments(pApi, pFts, pCache, i, zKey, nKey, nRow, nToken, &nHit);
      if( rc==SQLITE_OK ){
        /* As bm25: a phrase in more than half the documents counts a little, never negatively. */
        double idf = log( (nRow - nHit + 0.5) / (nHit + 0.5) );
        if( idf<=0.0 ) idf = 1e-6;
        p->aIDF[i] = idf;
      }
    }
    sqlite3_free(zKey);
    if( rc==SQLITE_OK ) rc = pApi->xSetAuxdata(pFts, p, sqlite3_free);
    else sqlite3_free(p);
    if( rc!=SQLITE_OK ) p = 0;
  }
  *ppData = p;
  return rc;
}

static void hearthBm25(
  const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_context *pCtx,
  int nVal, sqlite3_value **apVal
){
  const double k1 = 1.2;
  const double b = 0.75;
  CountCache *pCache = (CountCache*)pApi->xUserData(pFts);
  RankData *pData = 0;
  double score = 0.0, D = 0.0;
  int rc, i, nInst = 0;
  int nWeight = nVal - 2;
  if( nVal<2 ){
    sqlite3_result_error(pCtx, "hearth_bm25 takes a table name and phrase keys before the weights", -1);
    return;
  }
  rc = rankData(pApi, pFts, pCache, apVal[0], apVal[1], &pData);
  if( rc==SQLITE_OK ){
    memset(pData->aFreq, 0, sizeof(double) * pData->nPhrase);
    rc = pApi->xInstCount(pFts, &nInst);
  }
  for(i=0; rc==SQLITE_OK && i<nInst; i++){
    int ip, ic, io;
    rc = pApi->xInst(pFts, i, &ip, &ic, &io);
    if( rc==SQLITE_OK ) pData->aFreq[ip] += (nWeight > ic) ? sqlite3_value_double(apVal[2+ic]) : 1.0;
  }
  if( rc==SQLITE_OK ){
    int nTok;
    rc = pApi->xColumnSize(pFts, -1, &nTok);
    D = (double)nTok;
  }
  if( rc==SQLITE_OK ){
    for(i=0; i<pData->nPhrase; i++){
      score += pData->aIDF[i] * (
        (pData->aFreq[i] * (k1 + 1.0)) / (pData->aFreq[i] + k1 * (1 - b + b * D / pData->avgdl))
      );
    }
    sqlite3_result_double(pCtx, -1.0 * score);
  }else{
    sqlite3_result_error_code(pCtx, rc);
  }
}

static void freeCache(void *p){
  CountCache *pCache = (CountCache*)p;
  int i;
  for(i=0; i<CACHE_SLOTS; i++) sqlite3_free(pCache->aSlot[i].zKey);
  sqlite3_free(pCache);
}

/* The connection's FTS5 API (https://sqlite.org/fts5.html#extending_fts5). */
static fts5_api *fts5Api(sqlite3 *db){
  fts5_api *pRet = 0;
  sqlite3_stmt *pStmt = 0;
  if( sqlite3_prepare(db, "SELECT fts5(?1)", -1, &pStmt, 0)==SQLITE_OK ){
    sqlite3_bind_pointer(pStmt, 1, (void*)&pRet, "fts5_api_ptr", 0);
    sqlite3_step(pStmt);
  }
  sqlite3_finalize(pStmt);
  return pRet;
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_hearthrank_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi){
  fts5_api *pFts5;
  CountCache *pCache;
  SQLITE_EXTENSION_INIT2(pApi);
  pFts5 = fts5Api(db);
  if( pFts5==0 || pFts5->iVersion<2 ){
    *pzErrMsg = sqlite3_mprintf("hearth_rank needs FTS5");
    return SQLITE_ERROR;
  }
  pCache = (CountCache*)sqlite3_malloc(sizeof(CountCache));
  if( pCache==0 ) return SQLITE_NOMEM;
  memset(pCache, 0, sizeof(CountCache));
  return pFts5->xCreateFunction(pFts5, "hearth_bm25", (void*)pCache, hearthBm25, freeCache);
}
