"""Draws eng/package/icon.png, the packages' icon (128x128: a prompt in a box), with the standard library only."""
import struct, zlib, math
N=128
def inside_round(x,y,x0,y0,x1,y1,r):
    cx=min(max(x,x0+r),x1-r); cy=min(max(y,y0+r),y1-r)
    return (x-cx)**2+(y-cy)**2<=r*r
def seg_dist(px,py,ax,ay,bx,by):
    dx,dy=bx-ax,by-ay; t=max(0,min(1,((px-ax)*dx+(py-ay)*dy)/(dx*dx+dy*dy)))
    return math.hypot(px-(ax+t*dx),py-(ay+t*dy))
rows=[]
for y in range(N):
    row=bytearray([0])
    for x in range(N):
        px,py=x+0.5,y+0.5
        c=(0,0,0,0)
        if inside_round(px,py,4,4,124,124,22): c=(31,78,121,255)          # background
        outer=inside_round(px,py,22,28,106,100,10); inner=inside_round(px,py,29,35,99,93,5)
        if outer and not inner: c=(255,255,255,255)                       # the box
        if min(seg_dist(px,py,42,50,60,64),seg_dist(px,py,60,64,42,78))<=4.5: c=(255,212,59,255)  # prompt
        if seg_dist(px,py,66,80,84,80)<=4: c=(255,255,255,255)            # cursor
        row+=bytes(c)
    rows.append(bytes(row))
def chunk(t,d): return struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d)&0xffffffff)
png=b'\x89PNG\r\n\x1a\n'+chunk(b'IHDR',struct.pack('>IIBBBBB',N,N,8,6,0,0,0))+chunk(b'IDAT',zlib.compress(b''.join(rows),9))+chunk(b'IEND',b'')
open(__file__.rsplit('/', 1)[0] + '/icon.png','wb').write(png)
